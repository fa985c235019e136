// Decides what needs (re)building by comparing source mtimes with a stamp per target,
// so `npm start`, `npm run demo` and `npm test` build only what changed.
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

// fileURLToPath, not URL.pathname: the latter keeps %20 for a space and breaks checkouts in such paths.
export const root = fileURLToPath(new URL('..', import.meta.url));

// Compiler settings every Nest build reads: a change to any of them must rebuild.
const NEST_CONFIG = ['tsconfig.json', 'tsconfig.base.json', 'tsconfig.build.json', 'nest-cli.json', 'package.json'];

export const TARGETS = {
  proxy: {
    sources: ['apps/proxy/src', 'apps/proxy/tsconfig.app.json', 'libs', ...NEST_CONFIG],
    command: 'npx nest build proxy',
    output: 'dist/apps/proxy',
  },
  fake: {
    sources: ['apps/fake-chatgpt/src', 'apps/fake-chatgpt/tsconfig.app.json', ...NEST_CONFIG],
    command: 'npx nest build fake-chatgpt',
    output: 'dist/apps/fake-chatgpt',
  },
  dashboard: {
    sources: ['apps/dashboard', 'libs/contracts', 'angular.json', 'tsconfig.base.json', 'package.json'],
    command: 'npx ng build dashboard',
    output: 'dist/apps/dashboard/browser',
  },
};

function newestMtime(path) {
  const full = join(root, path);
  if (!existsSync(full)) return 0;
  const stat = statSync(full);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = stat.mtimeMs;
  for (const entry of readdirSync(full, { withFileTypes: true })) {
    if (entry.name === 'node_modules' || entry.name.startsWith('.')) continue;
    newest = Math.max(newest, newestMtime(join(path, entry.name)));
  }
  return newest;
}

const stampPath = (name) => join(root, 'dist', `.built-${name}`);

export function isStale(name) {
  const target = TARGETS[name];
  const stamp = stampPath(name);
  if (!existsSync(stamp) || !existsSync(join(root, target.output))) return true;
  const built = statSync(stamp).mtimeMs;
  return target.sources.some((source) => newestMtime(source) > built);
}

/** Builds one target; false (after saying so) when its command failed. */
export function build(name) {
  const target = TARGETS[name];
  process.stdout.write(`[build] ${name}: ${target.command}\n`);
  try {
    execSync(target.command, { cwd: root, stdio: 'inherit', env: { ...process.env, NG_CLI_ANALYTICS: 'false' } });
  } catch {
    process.stderr.write(`[build] ${name} failed (see above)\n`);
    return false;
  }
  mkdirSync(join(root, 'dist'), { recursive: true });
  writeFileSync(stampPath(name), new Date().toISOString());
  return true;
}

const LOCK_STALE_MS = 10 * 60_000;

function holderGone(lock) {
  let pid;
  try {
    pid = Number(readFileSync(join(lock, 'pid'), 'utf8'));
  } catch {
    // Just created, pid not written yet; only a very old lock without one is abandoned.
    const created = statSync(lock, { throwIfNoEntry: false })?.mtimeMs ?? Date.now();
    return Date.now() - created > LOCK_STALE_MS;
  }
  try {
    process.kill(pid, 0);
    return false;
  } catch (error) {
    return error.code === 'ESRCH';
  }
}

/**
 * One build at a time per checkout (two test workers, or `npm start` beside a test run, would otherwise write
 * the same dist/ files at once). A folder is the lock (mkdir is atomic) holding the builder's pid, so the lock of
 * a killed builder (a test stopping `npm start` mid-build) is taken over at once.
 */
function withBuildLock(work) {
  const lock = join(root, 'dist', '.build-lock');
  mkdirSync(join(root, 'dist'), { recursive: true });
  const pause = new Int32Array(new SharedArrayBuffer(4));
  for (let waited = 0; ; waited += 200) {
    try {
      mkdirSync(lock);
      writeFileSync(join(lock, 'pid'), String(process.pid));
      break;
    } catch (error) {
      if (error.code !== 'EEXIST') throw error;
    }
    if (holderGone(lock)) {
      rmSync(lock, { recursive: true, force: true });
      continue;
    }
    if (waited === 0) process.stdout.write('[build] waiting for another build of this checkout to finish\n');
    Atomics.wait(pause, 0, 0, 200);
  }
  try {
    return work();
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

export function ensureBuilt(names) {
  // Staleness is judged inside the lock: a build that just finished elsewhere leaves nothing to do.
  const ok = withBuildLock(() => names.every((name) => !isStale(name) || build(name)));
  if (!ok) process.exit(1);
}
