import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TraceRecord } from '@mcp/contracts';
import { describeWith, prerequisite } from '@mcp/testing';
import type { Stack } from '../helpers/stack';
import { runCli, type CliRun } from '../helpers/processes';
import { MODEL, startClientStack } from './client-stack';

const SUITE = 'the Codex CLI client matrix';
const TINY_PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==',
  'base64',
);

interface JsonEvent {
  type: string;
  item?: { type: string; text?: string; command?: string; aggregated_output?: string };
  usage?: { input_tokens: number; output_tokens: number };
}

/** The real Codex CLI (pinned by .ci/run) with the gateway as its model provider, over HTTP SSE. */
describeWith('codex', SUITE)('the real Codex CLI through the gateway', () => {
  const codex = prerequisite('codex', SUITE)!;
  let stack: Stack;
  let home: string;
  let work: string;

  beforeAll(async () => {
    stack = await startClientStack(2);
    home = mkdtempSync(join(tmpdir(), 'codex-home-'));
    work = mkdtempSync(join(tmpdir(), 'codex-work-'));
    writeFileSync(join(work, 'pixel.png'), TINY_PNG);
    writeFileSync(
      join(home, 'config.toml'),
      [
        `model = "${MODEL}"`,
        'model_provider = "multicodex"',
        '[model_providers.multicodex]',
        'name = "MultiCodex Proxy"',
        `base_url = "${stack.baseUrl}/v1"`,
        'wire_api = "responses"',
        'env_key = "MULTICODEX_API_KEY"',
        'request_max_retries = 0',
        'stream_max_retries = 0',
        '',
      ].join('\n'),
    );
  });

  afterAll(async () => {
    await stack?.close();
    if (home) rmSync(home, { recursive: true, force: true });
    if (work) rmSync(work, { recursive: true, force: true });
  });

  async function exec(args: string[]): Promise<CliRun> {
    const run = await runCli(codex, ['exec', '--skip-git-repo-check', '--cd', work, ...args], {
      env: { ...process.env, CODEX_HOME: home, MULTICODEX_API_KEY: 'unused-open-gateway', RUST_LOG: 'error' },
      timeoutMs: 90_000,
    });
    if (run.code !== 0) throw new Error(`codex ${args.join(' ')} exited ${run.code}:\n${run.stderr}\n${run.stdout}`);
    return run;
  }

  function events(run: CliRun): JsonEvent[] {
    return run.stdout
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as JsonEvent);
  }

  async function traces(): Promise<TraceRecord[]> {
    const reply = await fetch(`${stack.baseUrl}/admin/traces?page=1&pageSize=50`, {
      headers: { 'x-admin-token': stack.adminToken },
    });
    return ((await reply.json()) as { traces: TraceRecord[] }).traces.filter((t) => t.route === '/v1/responses');
  }

  it('`codex exec` prints the answer the upstream gave', async () => {
    const { stdout } = await exec(['--sandbox', 'read-only', 'say hello to the gateway']);
    expect(stdout).toContain('echo: say hello to the gateway');
    const served = (await traces())[0];
    expect(served).toMatchObject({ status: 200, stream: true, isError: false });
  }, 120_000);

  it('`codex exec --json`: the agent message and the turn usage as events', async () => {
    const list = events(await exec(['--json', '--sandbox', 'read-only', 'json please']));
    const message = list.find((e) => e.type === 'item.completed' && e.item?.type === 'agent_message');
    expect(message?.item?.text).toBe('echo: json please');
    const turn = list.find((e) => e.type === 'turn.completed');
    expect(turn?.usage?.input_tokens).toBeGreaterThan(0);
    expect(turn?.usage?.output_tokens).toBeGreaterThan(0);
  }, 120_000);

  it('`codex exec -i image`: the image reaches the model', async () => {
    // The prompt first: `-i` takes every value after it.
    const { stdout } = await exec(['--sandbox', 'read-only', 'what is this', '-i', join(work, 'pixel.png')]);
    expect(stdout).toContain('echo: ');
    expect(stdout).toMatch(/what is this \[image: data 70 bytes\]/);
  }, 120_000);

  it('runs the command the model asks for (exec_command) and sends its output back', async () => {
    const list = events(
      await exec([
        '--json',
        '--dangerously-bypass-approvals-and-sandbox',
        'call exec_command with {"cmd":"echo marker-from-shell"}',
      ]),
    );
    const command = list.find((e) => e.type === 'item.completed' && e.item?.type === 'command_execution');
    expect(command?.item?.aggregated_output).toContain('marker-from-shell');
    const message = list.filter((e) => e.type === 'item.completed' && e.item?.type === 'agent_message').at(-1);
    expect(message?.item?.text).toMatch(/^tool said: [\s\S]*marker-from-shell/);
  }, 120_000);

  it('`codex exec resume --last` continues the session on the same account', async () => {
    await exec(['--sandbox', 'read-only', 'first turn of a session']);
    const [first] = await traces();
    const { stdout } = await exec(['--sandbox', 'read-only', 'resume', '--last', 'second turn']);
    expect(stdout).toContain('echo: second turn');
    const [second] = await traces();
    expect(second?.id).not.toBe(first?.id);
    expect(second?.sessionKeyHash).toBe(first?.sessionKeyHash);
    expect(second?.accountId).toBe(first?.accountId);
  }, 240_000);
});
