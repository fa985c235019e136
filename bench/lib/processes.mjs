// Child processes of the benchmark (emulator, proxies): start on loopback, wait until ready,
// read their memory, and stop every one of them whatever way the run ends.
import { spawn } from 'node:child_process';
import { createWriteStream, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { performance } from 'node:perf_hooks';

export const root = new URL('../..', import.meta.url).pathname;
export const ADMIN_TOKEN = 'bench-admin-token-0123456789abcdef';

const children = new Set();
const TAIL_LINES = 40;

/** Only what a child needs: the caller's config variables must not leak into the measured setup. */
function baseEnv() {
  // NODE_PATH lets a build outside the checkout (BENCH_PROXY_MAIN) find the repo's node_modules.
  const env = { NODE_ENV: 'production', NODE_PATH: join(root, 'node_modules') };
  // LD_PRELOAD and MALLOC_* pass through, so an allocator choice (the image's jemalloc) can be measured too.
  for (const name of ['PATH', 'HOME', 'TMPDIR', 'LANG', 'LD_PRELOAD', 'MALLOC_ARENA_MAX', 'MALLOC_CONF'])
    if (process.env[name]) env[name] = process.env[name];
  return env;
}

/** Starts `node <script>`; keeps the last lines of its output for error messages. */
export function startNode(label, script, args = [], env = {}, nodeArgs = []) {
  const child = spawn(process.execPath, [...nodeArgs, resolve(root, script), ...args], {
    cwd: root,
    env: { ...baseEnv(), ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const tail = [];
  const keep = (line) => {
    tail.push(line);
    if (tail.length > TAIL_LINES) tail.shift();
  };
  const stdout = createInterface({ input: child.stdout });
  createInterface({ input: child.stderr }).on('line', keep);
  const handle = {
    label,
    child,
    pid: child.pid,
    stdout,
    exited: new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal }))),
    tail: () => tail.join('\n'),
  };
  stdout.on('line', keep);
  // BENCH_CHILD_OUT=<dir>: each child's stdout also goes to <dir>/<label>-<pid>.log (V8 traces print there).
  if (process.env.BENCH_CHILD_OUT)
    child.stdout.pipe(createWriteStream(join(process.env.BENCH_CHILD_OUT, `${label}-${child.pid}.log`)));
  children.add(handle);
  handle.exited.then(() => children.delete(handle));
  return handle;
}

/** The first stdout line (the emulator prints its URL there). */
export function firstLine(handle, timeoutMs = 15_000) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${handle.label}: no output within ${timeoutMs} ms`)), timeoutMs);
    handle.stdout.once('line', (line) => {
      clearTimeout(timer);
      resolve(line.trim());
    });
    handle.exited.then(({ code }) => {
      clearTimeout(timer);
      reject(new Error(`${handle.label} exited with ${code}\n${handle.tail()}`));
    });
  });
}

/** Polls GET /health until it answers 200; resolves with the ms elapsed since `since`. */
export async function waitForHealth(handle, base, since, timeoutMs = 90_000) {
  let dead = false;
  handle.exited.then(() => (dead = true));
  while (performance.now() - since < timeoutMs) {
    if (dead) throw new Error(`${handle.label} exited during startup\n${handle.tail()}`);
    try {
      const res = await fetch(`${base}/health`);
      await res.arrayBuffer();
      if (res.ok) return performance.now() - since;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`${handle.label} did not answer /health within ${timeoutMs} ms\n${handle.tail()}`);
}

/** Resident set size in MB from /proc (Linux); null elsewhere. */
export function rssMb(pid) {
  try {
    const match = /VmRSS:\s+(\d+)\s+kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) / 1024 : null;
  } catch {
    return null;
  }
}

// USER_HZ: the unit of utime/stime in /proc/<pid>/stat; 100 on every mainstream Linux build.
const CLOCK_TICKS_PER_SEC = 100;

/** CPU time (user + system) the process has used so far, in ms (Linux); null elsewhere. */
export function cpuMs(pid) {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS_PER_SEC;
  } catch {
    return null;
  }
}

/** Stops one process: SIGTERM, then SIGKILL if it lingers. */
export async function stop(handle, graceMs = 5000) {
  if (handle.child.exitCode !== null || handle.child.signalCode !== null) return;
  handle.child.kill('SIGTERM');
  const timer = setTimeout(() => handle.child.kill('SIGKILL'), graceMs);
  await handle.exited;
  clearTimeout(timer);
}

export async function stopAll() {
  await Promise.all([...children].map((handle) => stop(handle)));
}

/** Last resort on a hard exit: nothing the benchmark started may outlive it. */
process.on('exit', () => {
  for (const handle of children) handle.child.kill('SIGKILL');
});
