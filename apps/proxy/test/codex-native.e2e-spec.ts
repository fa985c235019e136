import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { UsageProbeService } from '@mcp/accounts';
import type { TraceRecord } from '@mcp/contracts';
import { prerequisite } from '@mcp/testing';
import { codexModes } from '../../dashboard/src/app/docs/codex-modes';
import { runCli, type CliRun } from './helpers/processes';
import { startStack, type Stack } from './helpers/stack';

const SUITE = 'the Codex-native surface with the real Codex CLI';
const codex = prerequisite('codex', SUITE);
const describeWithCodex = codex ? describe : describe.skip;

/** `codex exec …` with stdin closed (it would otherwise wait for more prompt text). */
function codexExec(args: string[], home: string, cwd: string): Promise<CliRun> {
  return runCli(codex!, ['exec', '--skip-git-repo-check', '--sandbox', 'read-only', ...args], {
    cwd,
    env: { ...process.env, CODEX_HOME: home, MULTICODEX_API_KEY: 'unused-open-gateway', RUST_LOG: 'error' },
    timeoutMs: 90_000,
  });
}

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

/** This test's traces, oldest first. */
async function traces(stack: Stack, since: number): Promise<TraceRecord[]> {
  const response = await fetch(`${stack.baseUrl}/admin/traces?page=1&pageSize=100`, {
    headers: { 'x-admin-token': stack.adminToken },
  });
  const listed = ((await response.json()) as { traces: TraceRecord[] }).traces.filter((t) => t.at >= since);
  // The list leaves request bodies out; each trace's own page has them.
  const full = await Promise.all(
    listed.map(async (t) => {
      const one = await fetch(`${stack.baseUrl}/admin/traces/${t.id}`, {
        headers: { 'x-admin-token': stack.adminToken },
      });
      return ((await one.json()) as { trace: TraceRecord }).trace;
    }),
  );
  return full.sort((a, b) => a.at - b.at);
}

/** The rate limits Codex recorded in its session files (what its /status shows). */
function recordedRateLimits(home: string): Array<Record<string, unknown>> {
  const found: Array<Record<string, unknown>> = [];
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.name.endsWith('.jsonl')) {
        for (const line of readFileSync(path, 'utf8').split('\n')) {
          if (!line.includes('"rate_limits"')) continue;
          const limits = (JSON.parse(line) as { payload?: { rate_limits?: Record<string, unknown> } }).payload
            ?.rate_limits;
          if (limits) found.push(limits);
        }
      }
    }
  };
  walk(join(home, 'sessions'));
  return found;
}

function isCompaction(trace: TraceRecord): boolean {
  return JSON.stringify(trace.requestBody ?? null).includes('"compaction_trigger"');
}

function expectOk(run: CliRun): void {
  expect({ code: run.code, stderr: run.code === 0 ? '' : run.stderr }).toEqual({ code: 0, stderr: '' });
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
    expectOk(run);
    expect(run.stdout).toContain('echo: say hello to the prefix');
    const served = (await traces(stack, since)).find((t) => t.route === '/backend-api/codex/responses');
    expect(served).toEqual(expect.objectContaining({ status: 200, stream: true, isError: false }));
  }, 120_000);

  it("records the pool's quota from the gateway's x-codex-* headers, as /status shows it", async () => {
    for (const account of stack.accounts) {
      stack.fake.setUsage(account.fakeId, { fiveHour: 42, weekly: 17 });
      await stack.app.get(UsageProbeService).probe(account.id);
    }
    expectOk(await codexExec(['how much is left?'], home, work));
    const limits = recordedRateLimits(home);
    expect(limits.at(-1)).toEqual(
      expect.objectContaining({
        primary: expect.objectContaining({ used_percent: 42, window_minutes: 300 }),
        secondary: expect.objectContaining({ used_percent: 17, window_minutes: 10080 }),
      }),
    );
  }, 120_000);

  it('compacts remotely (v2) before the next turn and resumes from the checkpoint', async () => {
    expectOk(await codexExec(['first turn'], home, work));
    const resumed = await codexExec(['resume', '--last', 'second turn'], home, work);
    expectOk(resumed);
    expect(resumed.stdout).toContain('echo: second turn');
    const all = await traces(stack, since);
    const compaction = all.find(isCompaction);
    expect(compaction).toEqual(expect.objectContaining({ status: 200, route: '/backend-api/codex/responses' }));
    // The emulator refuses a forged checkpoint: the turn after it succeeding means Codex got a real `compaction` item.
    const after = all.filter((t) => !isCompaction(t) && t.at >= compaction!.at);
    expect(after.length).toBeGreaterThan(0);
    expect(JSON.stringify(after[0]?.requestBody)).toContain('"type":"compaction"');
  }, 200_000);

  it('fails a compaction stream without its item over to another account, invisibly to the CLI', async () => {
    expectOk(await codexExec(['first turn'], home, work));
    const first = (await traces(stack, since)).find((t) => t.status === 200);
    const owner = stack.accounts.find((a) => a.id === first?.accountId);
    expect(owner).toBeDefined();
    stack.fake.inject(owner!.fakeId, { kind: 'compaction_missing' });
    const resumed = await codexExec(['resume', '--last', 'after failover'], home, work);
    expectOk(resumed);
    expect(resumed.stdout).toContain('echo: after failover');
    const compaction = (await traces(stack, since)).find(isCompaction);
    expect(compaction?.attempts.map((a) => a.class)).toEqual(['empty_output', 'ok']);
    expect(compaction?.attempts[0]?.accountId).toBe(owner!.id);
  }, 200_000);
});
