// Decides what needs (re)building by comparing source mtimes with a stamp per target,
// so `npm start`, `npm run demo` and `npm test` build only what changed.
import { existsSync, readdirSync, statSync, writeFileSync, mkdirSync } from 'node:fs';
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

export function build(name) {
  const target = TARGETS[name];
  process.stdout.write(`[build] ${name}: ${target.command}\n`);
  try {
    execSync(target.command, { cwd: root, stdio: 'inherit', env: { ...process.env, NG_CLI_ANALYTICS: 'false' } });
  } catch {
    process.stderr.write(`[build] ${name} failed (see above)\n`);
    process.exit(1);
  }
  mkdirSync(join(root, 'dist'), { recursive: true });
  writeFileSync(stampPath(name), new Date().toISOString());
}

export function ensureBuilt(names) {
  for (const name of names) if (isStale(name)) build(name);
}
