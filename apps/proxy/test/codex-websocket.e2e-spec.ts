import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { UsageProbeService } from '@mcp/accounts';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ResponsesWebSocketGateway, type WebSocketStats } from '@mcp/proxy';
import { prerequisite } from '@mcp/testing';
import { codexModes } from '../../dashboard/src/app/docs/codex-modes';
import {
  codexExec as codexExec_,
  expectCodexOk,
  fullTraces,
  isCompaction,
  listedTraces,
  recordedRateLimits,
} from './helpers/codex-cli';
import type { CliRun } from './helpers/processes';
import { startStack, type Stack } from './helpers/stack';

const SUITE = 'Responses over WebSocket with the real Codex CLI';
const codex = prerequisite('codex', SUITE);
const describeWithCodex = codex ? describe : describe.skip;

const codexExec = (args: string[], home: string, cwd: string) => codexExec_(codex!, args, home, cwd);

/** The Docs tab's own "With WebSockets" config, Codex's retries left at their defaults (a reconnect would show). */
function writeConfig(home: string, baseUrl: string, modeId = 'websocket', top = ''): void {
  const mode = codexModes({ origin: baseUrl, model: 'gpt-5.3-codex', keysRequired: false }).find(
    (m) => m.id === modeId,
  );
  expect(mode?.config).toContain('supports_websockets = true');
  const config = mode!.config.replace('model_provider = "pool"', `model_provider = "pool"\n${top}`);
  writeFileSync(join(home, 'config.toml'), `${config}\n`);
}

/** Codex's own retry over HTTP would hide a socket the gateway dropped: a reconnect fails the test. */
function expectOk(run: CliRun): void {
  expectCodexOk(run);
  expect(`${run.stdout}\n${run.stderr}`).not.toMatch(/reconnecting/i);
}

/** What the gateway's sockets did during `run`. */
async function socketUse<T>(stack: Stack, run: () => Promise<T>): Promise<{ result: T; used: WebSocketStats }> {
  const stats = stack.app.get(ResponsesWebSocketGateway).stats;
  const before = { ...stats };
  const result = await run();
  const used = {
    connections: stats.connections - before.connections,
    requests: stats.requests - before.requests,
    prewarms: stats.prewarms - before.prewarms,
    continued: stats.continued - before.continued,
  };
  return { result, used };
}

/** Calls `then` once the emulator has started serving `count` inference requests of the account. */
function whenServed(stack: Stack, fakeId: string, count: number, then: () => void): () => void {
  const timer = setInterval(() => {
    if ((stack.fake.counters().requests[fakeId]?.responses ?? 0) < count) return;
    clearInterval(timer);
    then();
  }, 2);
  return () => clearInterval(timer);
}

describeWithCodex(SUITE, () => {
  let home: string;
  let work: string;

  beforeEach(() => {
    home = mkdtempSync(join(tmpdir(), 'codex-ws-home-'));
    work = mkdtempSync(join(tmpdir(), 'codex-ws-work-'));
  });
  afterEach(() => {
    rmSync(home, { recursive: true, force: true });
    rmSync(work, { recursive: true, force: true });
  });

  describe('WebSockets on', () => {
    let stack: Stack;

    beforeAll(async () => {
      stack = await startStack({ accounts: 2 });
    });
    afterAll(async () => {
      await stack?.close();
    });
    beforeEach(async () => {
      await stack.reset();
      stack.fake.resetCounters();
      writeConfig(home, stack.baseUrl);
    });

    it('answers `codex exec` over the socket, with no HTTP POST /responses and no reconnect', async () => {
      const since = Date.now();
      const { result: run, used } = await socketUse(stack, () => codexExec(['say hello over the socket'], home, work));
      expectOk(run);
      // One socket, never reopened: Codex warmed it up, then sent its turn continuing the warm-up by id.
      expect(used).toEqual({ connections: 1, requests: 1, prewarms: 1, continued: 1 });
      expect(run.stdout).toContain('echo: say hello over the socket');
      const served = await listedTraces(stack, since);
      expect(served.length).toBeGreaterThan(0);
      expect(served.map((t) => [t.route, t.method, t.status])).toEqual(served.map(() => ['/v1/responses', 'WS', 200]));
    }, 120_000);

    it('keeps a resumed conversation on one account, turn after turn, over the socket', async () => {
      const since = Date.now();
      expectOk(await codexExec(['first turn'], home, work));
      const resumed = await codexExec(['resume', '--last', 'second turn'], home, work);
      expectOk(resumed);
      expect(resumed.stdout).toContain('echo: second turn');
      const served = await listedTraces(stack, since);
      expect(served.length).toBeGreaterThanOrEqual(2);
      expect(served.every((t) => t.method === 'WS' && t.status === 200)).toBe(true);
      expect(new Set(served.map((t) => t.accountId)).size).toBe(1);
    }, 200_000);

    it('fails over invisibly when the serving account runs dry between two requests on one socket', async () => {
      const since = Date.now();
      const owner = stack.accounts[0]!;
      // The tool call makes Codex send a second request on the same socket, continuing the first by its id.
      const stop = whenServed(stack, owner.fakeId, 1, () => stack.fake.setUsage(owner.fakeId, { fiveHour: 100 }));
      const marker = '[[tool:exec_command {"cmd":"echo ws-tool-ran"}]]';
      const { result: run, used } = await socketUse(stack, () => codexExec([`run this ${marker}`], home, work));
      stop();
      expect(used).toEqual(expect.objectContaining({ connections: 1, requests: 2 }));
      expectOk(run);
      expect(run.stdout).toContain('tool said:');
      expect(run.stdout).toContain('ws-tool-ran');
      const served = await listedTraces(stack, since);
      const first = served.find((t) => t.attempts.some((a) => a.class === 'ok'));
      expect(first?.accountId).toBe(owner.id);
      const failedOver = served.find((t) => t.attempts.some((a) => a.class === 'quota'));
      expect(failedOver?.attempts.map((a) => [a.accountId, a.class])).toEqual([
        [owner.id, 'quota'],
        [stack.accounts[1]!.id, 'ok'],
      ]);
      expect(failedOver).toEqual(expect.objectContaining({ method: 'WS', status: 200 }));
    }, 120_000);
  });

  describe('ChatGPT-shaped base URL over the socket', () => {
    let stack: Stack;

    beforeAll(async () => {
      stack = await startStack({ accounts: 2 });
    });
    afterAll(async () => {
      await stack?.close();
    });

    it("shows the pool's quota in Codex's /status from a socket on /backend-api/codex/responses", async () => {
      await stack.reset();
      for (const account of stack.accounts) {
        stack.fake.setUsage(account.fakeId, { fiveHour: 42, weekly: 17 });
        await stack.app.get(UsageProbeService).probe(account.id);
      }
      writeConfig(home, stack.baseUrl, 'chatgpt');
      const since = Date.now();
      const { result: run, used } = await socketUse(stack, () => codexExec(['how much is left?'], home, work));
      expectOk(run);
      expect(used.connections).toBe(1);
      expect((await listedTraces(stack, since)).at(-1)).toEqual(
        expect.objectContaining({ route: '/backend-api/codex/responses', method: 'WS', status: 200 }),
      );
      // Read at the commit point, after upstream's headers for this very request (1 % each) were absorbed.
      expect(recordedRateLimits(home).at(-1)).toEqual(
        expect.objectContaining({
          primary: expect.objectContaining({ used_percent: 43, window_minutes: 300 }),
          secondary: expect.objectContaining({ used_percent: 18, window_minutes: 10080 }),
        }),
      );
    }, 120_000);
  });

  describe('remote compaction over the socket (provider named "OpenAI")', () => {
    let stack: Stack;

    beforeAll(async () => {
      stack = await startStack({ accounts: 2, fake: { emptyCompletedOutput: true } });
    });
    afterAll(async () => {
      await stack?.close();
    });

    it('compacts (v2) before a resumed turn, over the socket, and the turn continues from the checkpoint', async () => {
      await stack.reset();
      // The emulator reports ~10k input tokens for Codex's request: a tiny limit makes the next turn compact first.
      writeConfig(home, stack.baseUrl, 'compaction', 'model_auto_compact_token_limit = 1000');
      const since = Date.now();
      expectOk(await codexExec(['first turn'], home, work));
      const resumed = await codexExec(['resume', '--last', 'second turn'], home, work);
      expectOk(resumed);
      expect(resumed.stdout).toContain('echo: second turn');
      const all = await fullTraces(stack, since);
      const compaction = all.find(isCompaction);
      expect(compaction).toEqual(expect.objectContaining({ method: 'WS', status: 200, route: '/v1/responses' }));
      const after = all.filter((t) => !isCompaction(t) && t.at >= compaction!.at);
      expect(JSON.stringify(after[0]?.requestBody)).toContain('"type":"compaction"');
    }, 200_000);
  });

  describe('WebSockets off', () => {
    let stack: Stack;

    beforeAll(async () => {
      stack = await startStack({ accounts: 1, env: { WEBSOCKETS_ENABLED: 'false' } });
    });
    afterAll(async () => {
      await stack?.close();
    });

    it('gets 426 and falls back to HTTP at once', async () => {
      writeConfig(home, stack.baseUrl);
      const since = Date.now();
      const { result: run, used } = await socketUse(stack, () => codexExec(['plain http please'], home, work));
      expectOk(run);
      expect(used.connections).toBe(0);
      expect(run.stdout).toContain('echo: plain http please');
      const served = await listedTraces(stack, since);
      expect(served.length).toBeGreaterThan(0);
      expect(served.every((t) => t.method === 'POST' && t.route === '/v1/responses')).toBe(true);
    }, 120_000);
  });
});
