import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { UsageProbeService } from '@mcp/accounts';
import { prerequisite } from '@mcp/testing';
import { codexModes } from '../../dashboard/src/app/docs/codex-modes';
import {
  codexExec as codexExec_,
  expectCodexOk,
  fullTraces,
  isCompaction,
  recordedRateLimits,
} from './helpers/codex-cli';
import { startStack, type Stack } from './helpers/stack';

const SUITE = 'the Codex-native surface with the real Codex CLI';
const codex = prerequisite('codex', SUITE);
const describeWithCodex = codex ? describe : describe.skip;

const codexExec = (args: string[], home: string, cwd: string) => codexExec_(codex!, args, home, cwd);

/**
 * The Docs tab's own config for the ChatGPT-shaped base URL (`name = "OpenAI"`, which makes Codex compact remotely),
 * over HTTP: the WebSocket line is left out here (the WebSocket suite covers it). A tiny auto-compact limit makes the
 * second turn compact first: the emulator reports ~10k input tokens for Codex's ~40 KB request.
 */
function writeConfig(home: string, baseUrl: string): void {
  const docs = codexModes({ origin: baseUrl, model: 'gpt-5.3-codex', keysRequired: false }).find(
    (m) => m.id === 'chatgpt',
  );
  const config = docs!.config
    .replace('supports_websockets = true', '')
    .replace('model_provider = "pool"', 'model_provider = "pool"\nmodel_auto_compact_token_limit = 1000');
  writeFileSync(join(home, 'config.toml'), `${config}\nrequest_max_retries = 0\nstream_max_retries = 0\n`);
}

describeWithCodex(SUITE, () => {
  let stack: Stack;
  let home: string;
  let work: string;
  let since: number;

  beforeAll(async () => {
    stack = await startStack({ accounts: 2, fake: { emptyCompletedOutput: true } });
  });

  afterAll(async () => {
    await stack?.close();
  });

  beforeEach(async () => {
    await stack.reset();
    since = Date.now();
    home = mkdtempSync(join(tmpdir(), 'codex-native-home-'));
    work = mkdtempSync(join(tmpdir(), 'codex-native-work-'));
    writeConfig(home, stack.baseUrl);
  });

  afterEach(() => {
    rmSync(home, { recursive: true, force: true });
    rmSync(work, { recursive: true, force: true });
  });

  it('answers `codex exec` with a base_url ending in /backend-api/codex', async () => {
    const run = await codexExec(['say hello to the prefix'], home, work);
    expectCodexOk(run);
    expect(run.stdout).toContain('echo: say hello to the prefix');
    const served = (await fullTraces(stack, since)).find((t) => t.route === '/backend-api/codex/responses');
    expect(served).toEqual(expect.objectContaining({ status: 200, stream: true, isError: false }));
  }, 120_000);

  it("records the pool's quota from the gateway's x-codex-* headers, as /status shows it", async () => {
    for (const account of stack.accounts) {
      stack.fake.setUsage(account.fakeId, { fiveHour: 42, weekly: 17 });
      await stack.app.get(UsageProbeService).probe(account.id);
    }
    expectCodexOk(await codexExec(['how much is left?'], home, work));
    const limits = recordedRateLimits(home);
    expect(limits.at(-1)).toEqual(
      expect.objectContaining({
        primary: expect.objectContaining({ used_percent: 42, window_minutes: 300 }),
        secondary: expect.objectContaining({ used_percent: 17, window_minutes: 10080 }),
      }),
    );
  }, 120_000);

  it('compacts remotely (v2) before the next turn and resumes from the checkpoint', async () => {
    expectCodexOk(await codexExec(['first turn'], home, work));
    const resumed = await codexExec(['resume', '--last', 'second turn'], home, work);
    expectCodexOk(resumed);
    expect(resumed.stdout).toContain('echo: second turn');
    const all = await fullTraces(stack, since);
    const compaction = all.find(isCompaction);
    expect(compaction).toEqual(expect.objectContaining({ status: 200, route: '/backend-api/codex/responses' }));
    // The emulator refuses a forged checkpoint: the turn after it succeeding means Codex got a real `compaction` item.
    const after = all.filter((t) => !isCompaction(t) && t.at >= compaction!.at);
    expect(after.length).toBeGreaterThan(0);
    expect(JSON.stringify(after[0]?.requestBody)).toContain('"type":"compaction"');
  }, 200_000);

  it('fails a compaction stream without its item over to another account, invisibly to the CLI', async () => {
    expectCodexOk(await codexExec(['first turn'], home, work));
    const first = (await fullTraces(stack, since)).find((t) => t.status === 200);
    const owner = stack.accounts.find((a) => a.id === first?.accountId);
    expect(owner).toBeDefined();
    stack.fake.inject(owner!.fakeId, { kind: 'compaction_missing' });
    const resumed = await codexExec(['resume', '--last', 'after failover'], home, work);
    expectCodexOk(resumed);
    expect(resumed.stdout).toContain('echo: after failover');
    const compaction = (await fullTraces(stack, since)).find(isCompaction);
    expect(compaction?.attempts.map((a) => a.class)).toEqual(['empty_output', 'ok']);
    expect(compaction?.attempts[0]?.accountId).toBe(owner!.id);
  }, 200_000);
});
