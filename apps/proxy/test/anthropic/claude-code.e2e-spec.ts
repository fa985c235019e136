import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TraceRecord } from '@mcp/contracts';
import { prerequisite } from '@mcp/testing';
import { runCli, type CliRun } from '../helpers/processes';
import { startStack, type Stack } from '../helpers/stack';
import { admin, createClientKey } from './helpers';

const SUITE = 'the Claude Code CLI through /v1/messages';
/** A cold start of the CLI on a slow CI machine takes seconds; the test itself allows a little more. */
const RUN_TIMEOUT_MS = 60_000;
const TEST_TIMEOUT_MS = 75_000;
const claude = prerequisite('claude', SUITE);

/** `claude -p` with stdin closed and an environment of its own: nothing leaks in from the machine running the tests. */
function runClaude(
  bin: string,
  prompt: string,
  env: Record<string, string>,
  cwd: string,
  extra: string[] = [],
): Promise<CliRun> {
  return runCli(bin, ['-p', prompt, ...extra], { cwd, env, timeoutMs: RUN_TIMEOUT_MS });
}

(claude ? describe : describe.skip)(SUITE, () => {
  let stack: Stack;
  let key: { id: string; secret: string };
  let home: string;
  let work: string;
  let env: Record<string, string>;

  beforeAll(async () => {
    stack = await startStack({ accounts: 2 });
    key = await createClientKey(stack, 'claude code e2e');
    home = mkdtempSync(join(tmpdir(), 'claude-home-'));
    work = mkdtempSync(join(tmpdir(), 'claude-work-'));
    env = {
      HOME: home,
      PATH: '/usr/local/bin:/usr/bin:/bin',
      ANTHROPIC_BASE_URL: stack.baseUrl,
      ANTHROPIC_API_KEY: key.secret,
      CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1',
      DISABLE_AUTOUPDATER: '1',
    };
  });
  afterAll(async () => {
    await stack?.close();
    for (const dir of [home, work]) if (dir) rmSync(dir, { recursive: true, force: true });
  });

  async function messagesTraces(): Promise<TraceRecord[]> {
    const list = await admin<{ traces: TraceRecord[] }>(stack, 'GET', '/admin/traces?limit=100');
    return list.body.traces.filter((trace) => trace.route === '/v1/messages');
  }

  it(
    'answers a plain prompt with the model’s text, traced per client key',
    async () => {
      const run = await runClaude(claude!, 'say hello to the pool', env, work);
      // On failure the CLI's own words say why.
      expect({ code: run.code, stderr: run.stderr.slice(0, 2000) }).toEqual({ code: 0, stderr: '' });
      expect(run.stdout).toContain('echo:');
      expect(run.stdout).toContain('say hello to the pool');
      const traces = await messagesTraces();
      expect(traces.length).toBeGreaterThanOrEqual(1);
      for (const trace of traces) {
        expect(trace).toMatchObject({ route: '/v1/messages', clientKeyId: key.id, status: 200, stream: true });
        expect(trace.model).toMatch(/^claude-/);
        expect(trace.sessionKeyHash).toBeTruthy();
      }
    },
    TEST_TIMEOUT_MS,
  );

  it(
    'runs the tool the model asks for and sends its result back',
    async () => {
      const before = (await messagesTraces()).length;
      // The shell computes 6*7: the 42 can only come from Claude Code having really run the command.
      const marker = '[[tool:Bash {"command":"echo mcp-tool-ran-$((6*7))","description":"Print a marker"}]]';
      const run = await runClaude(claude!, `Please run this. ${marker}`, env, work, ['--allowedTools', 'Bash']);
      expect({ code: run.code, stderr: run.stderr.slice(0, 2000) }).toMatchObject({ code: 0 });
      expect(run.stdout).toContain('tool said: mcp-tool-ran-42');
      const traces = (await messagesTraces()).slice(before);
      expect(traces).toHaveLength(2);
      const [first, second] = [...traces].sort((a, b) => a.at - b.at);
      // One Claude Code session: both turns carry the same session key, so they stay on one account's prompt cache.
      expect(second!.sessionKeyHash).toBe(first!.sessionKeyHash);
      expect(second!.accountId).toBe(first!.accountId);
      const full = await admin<{ trace: TraceRecord }>(stack, 'GET', `/admin/traces/${second!.id}`);
      expect(JSON.stringify(full.body.trace.requestBody)).toContain('mcp-tool-ran-42');
    },
    TEST_TIMEOUT_MS,
  );
});
