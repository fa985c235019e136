import { spawnSync } from 'node:child_process';
import {
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  rmSync,
  statSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

function age(path: string, ms: number): void {
  if (statSync(path).isDirectory()) for (const entry of readdirSync(path)) age(join(path, entry), ms);
  const then = new Date(Date.now() - ms);
  utimesSync(path, then, then);
}

/** A checkout in a folder whose name has a space, with a fresh proxy build, to ask build-state.mjs about. */
function checkout(parent: string): string {
  const dir = join(parent, 'my checkout');
  mkdirSync(join(dir, 'scripts'), { recursive: true });
  copyFileSync(resolve(__dirname, 'build-state.mjs'), join(dir, 'scripts/build-state.mjs'));
  for (const file of ['apps/proxy/src/main.ts', 'libs/config/src/index.ts', 'tsconfig.base.json', 'nest-cli.json']) {
    mkdirSync(join(dir, file, '..'), { recursive: true });
    writeFileSync(join(dir, file), '');
  }
  mkdirSync(join(dir, 'dist/apps/proxy'), { recursive: true });
  writeFileSync(join(dir, 'dist/.built-proxy'), 'stamp');
  // Sources (files and folders alike) older than the stamp: a fresh build.
  age(dir, 60_000);
  age(join(dir, 'dist/.built-proxy'), 30_000);
  return dir;
}

function ask(dir: string, expression: string): string {
  const url = pathToFileURL(join(dir, 'scripts/build-state.mjs')).href;
  const script = `import * as b from ${JSON.stringify(url)}; console.log(${expression});`;
  const run = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' });
  if (run.status !== 0) throw new Error(run.stderr);
  return run.stdout.trim();
}

describe('build-state.mjs', () => {
  let parent: string;
  let dir: string;
  beforeEach(() => {
    parent = mkdtempSync(join(tmpdir(), 'mcp build '));
    dir = checkout(parent);
  });
  // Only the temp dir this test made: never a path computed from it.
  afterEach(() => rmSync(parent, { recursive: true, force: true }));

  it('finds its checkout in a path with spaces, so a fresh build is not rebuilt', () => {
    expect(ask(dir, 'b.root')).toBe(`${dir}/`);
    expect(ask(dir, "b.isStale('proxy')")).toBe('false');
  });

  it.each(['tsconfig.base.json', 'nest-cli.json'])('rebuilds the proxy after %s changes', (file) => {
    writeFileSync(join(dir, file), '{}');
    expect(ask(dir, "b.isStale('proxy')")).toBe('true');
  });
});
