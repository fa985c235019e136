import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { startStack, type Stack } from './helpers/stack';

/** Runs a command with stdin closed (codex exec otherwise waits for more prompt text on stdin). */
function run(
  bin: string,
  args: string[],
  opts: { cwd: string; env: NodeJS.ProcessEnv; timeoutMs: number },
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(bin, args, { cwd: opts.cwd, env: opts.env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** The pinned Codex CLI that .ci/run installs into a cache folder (it is too big to be a dependency). */
function findCodex(): string | undefined {
  if (process.env.CODEX_BIN && existsSync(process.env.CODEX_BIN)) return process.env.CODEX_BIN;
  const cache = join(homedir(), '.cache', 'multicodex-ci');
  if (!existsSync(cache)) return undefined;
  const versions = readdirSync(cache).filter((d) => d.startsWith('codex-'));
  return versions.map((v) => join(cache, v, 'node_modules', '.bin', 'codex')).find((bin) => existsSync(bin));
}

const codex = findCodex();
if (!codex) {
  console.warn('SKIPPED: the Codex CLI e2e spec: no Codex CLI found (set CODEX_BIN or run .ci/run, which installs it)');
}
const withCodex = codex ? describe : describe.skip;

withCodex('the real Codex CLI through the gateway', () => {
  let stack: Stack;
  let home: string;
  let work: string;

  beforeAll(async () => {
    stack = await startStack({ accounts: 2 });
    home = mkdtempSync(join(tmpdir(), 'codex-home-'));
    work = mkdtempSync(join(tmpdir(), 'codex-work-'));
    writeFileSync(
      join(home, 'config.toml'),
      [
        'model = "gpt-5.3-codex"',
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
    rmSync(home, { recursive: true, force: true });
    rmSync(work, { recursive: true, force: true });
  });

  it('runs `codex exec` and prints the answer the upstream gave', async () => {
    const { code, stdout, stderr } = await run(
      codex!,
      ['exec', '--skip-git-repo-check', '--sandbox', 'read-only', 'say hello to the gateway'],
      {
        cwd: work,
        env: { ...process.env, CODEX_HOME: home, MULTICODEX_API_KEY: 'unused-open-gateway', RUST_LOG: 'error' },
        timeoutMs: 90_000,
      },
    );
    expect({ code, stderr: code === 0 ? '' : stderr }).toEqual({ code: 0, stderr: '' });
    expect(stdout).toContain('echo: say hello to the gateway');

    const traces = await fetch(`${stack.baseUrl}/admin/traces?page=1&pageSize=10`, {
      headers: { 'x-admin-token': stack.adminToken },
    }).then((r) => r.json() as Promise<{ traces: { route: string; accountId: string }[] }>);
    const served = traces.traces.find((t: { route: string }) => t.route === '/v1/responses');
    expect(served).toMatchObject({ status: 200, stream: true, isError: false });
    expect(stack.accounts.map((a) => a.id)).toContain(served?.accountId);
  }, 120_000);
});
