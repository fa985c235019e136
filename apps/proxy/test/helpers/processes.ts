import { execFileSync, spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { join, resolve } from 'node:path';

/** The repository root (specs run from anywhere). */
export const ROOT = resolve(__dirname, '../../../..');
export const PROXY_MAIN = join(ROOT, 'dist/apps/proxy/src/main.js');

/** Builds what is stale (the same stamps `npm start` and `npm test` use); a no-op when `npm test` already built. */
export function ensureBuilt(...targets: ('proxy' | 'fake' | 'dashboard')[]): void {
  execFileSync(process.execPath, [join(ROOT, 'scripts/ensure-built.mjs'), ...targets], {
    cwd: ROOT,
    stdio: ['ignore', 'ignore', 'inherit'],
    env: { ...process.env, NG_CLI_ANALYTICS: 'false' },
  });
}

/** Environment for a proxy process: no inherited LOG_LEVEL/PORT/… from the developer's shell. */
export function cleanEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { PATH: process.env['PATH'], HOME: process.env['HOME'] };
  return { ...env, HOST: '127.0.0.1', PORT: '0', LOG_LEVEL: 'info', ...extra };
}

export interface Running {
  child: ChildProcess;
  stdout(): string;
  stderr(): string;
  /** Resolves with the exit code (or the signal's name). */
  exited: Promise<number | string>;
  /** SIGTERM to the process and everything it started (npm's child too), then waits for the exit. */
  stop(): Promise<number | string>;
}

/** Spawns in a process group of its own, so stop() also reaches what a wrapper (npm, a script) started. */
export function run(command: string, args: string[], options: SpawnOptions): Running {
  const child = spawn(command, args, { ...options, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout!.on('data', (chunk: Buffer) => (out += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (err += chunk.toString()));
  const exited = new Promise<number | string>((resolveExit) =>
    child.once('exit', (code, signal) => resolveExit(code ?? signal ?? -1)),
  );
  return {
    child,
    stdout: () => out,
    stderr: () => err,
    exited,
    async stop() {
      try {
        process.kill(-child.pid!, 'SIGTERM');
      } catch {
        // the whole group has already exited
      }
      return exited;
    },
  };
}

/** Waits until `find` matches the output so far, or fails with what the process printed. */
export async function waitFor(
  proc: Running,
  find: (out: string) => string | undefined,
  timeoutMs = 30_000,
): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = find(proc.stdout() + proc.stderr());
    if (found !== undefined) return found;
    const gone = proc.child.exitCode !== null || proc.child.signalCode !== null;
    if (gone || Date.now() > deadline) {
      throw new Error(`${gone ? 'exited' : 'timed out'} before ready:\n${proc.stdout()}\n${proc.stderr()}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** The URL from the proxy's "listening on http://host:port" line (PORT=0 binds a free port). */
export function listeningUrl(out: string): string | undefined {
  return /listening on (http:\/\/[\d.]+:\d+)/.exec(out)?.[1];
}

/** Starts a built proxy (or any command that runs one) and resolves once it listens. */
export async function startProxyProcess(
  command: string,
  args: string[],
  options: SpawnOptions,
  timeoutMs = 30_000,
): Promise<Running & { url: string }> {
  const proc = run(command, args, options);
  try {
    const url = await waitFor(proc, listeningUrl, timeoutMs);
    return { ...proc, url };
  } catch (error) {
    await proc.stop();
    throw error;
  }
}

/** Runs a proxy that must refuse to start: its exit code and what it wrote to stderr. */
export async function bootFailure(
  env: Record<string, string>,
  cwd = ROOT,
  prefix: string[] = [],
): Promise<{ code: number | string; stderr: string[] }> {
  const [program, ...args] = [...prefix, process.execPath, PROXY_MAIN];
  const proc = run(program!, args, { cwd, env: cleanEnv(env) });
  const timer = setTimeout(() => proc.child.kill('SIGKILL'), 20_000);
  const code = await proc.exited;
  clearTimeout(timer);
  return { code, stderr: proc.stderr().split('\n').filter(Boolean) };
}

/** What a command-line program left behind: its exit code (null when killed) and everything it printed. */
export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface CliOptions {
  /** The child's whole environment: callers spread `process.env` themselves when the child may inherit it. */
  env: NodeJS.ProcessEnv;
  cwd?: string;
  /** SIGKILL after this long (a CLI that hangs must not hold the suite until Jest's own timeout). */
  timeoutMs?: number;
}

/** Runs a CLI to its end with stdin closed: Codex and Claude Code otherwise wait for more prompt text on stdin. */
export function runCli(command: string, args: string[], options: CliOptions): Promise<CliRun> {
  return new Promise((resolveRun, reject) => {
    const child = spawn(command, args, { cwd: options.cwd, env: options.env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 60_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolveRun({ code, stdout, stderr });
    });
  });
}
