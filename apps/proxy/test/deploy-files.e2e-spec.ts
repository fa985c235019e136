import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { join } from 'node:path';
import { parseDockerfile, parseEnv } from './helpers/dockerfile';
import { ensureBuilt, ROOT } from './helpers/processes';

/** The package a bare specifier belongs to (`@nestjs/core/x` → `@nestjs/core`), or undefined for a relative one. */
function packageOf(specifier: string): string | undefined {
  if (specifier.startsWith('.') || specifier.startsWith('/')) return undefined;
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
}

function jsFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return jsFiles(path);
    return name.endsWith('.js') ? [path] : [];
  });
}

/** Every dist file the image ships, with each package it requires. */
function requiredPackages(): Map<string, string[]> {
  const byPackage = new Map<string, string[]>();
  for (const dir of ['dist/apps/proxy', 'dist/libs']) {
    for (const file of jsFiles(join(ROOT, dir))) {
      for (const [, specifier] of readFileSync(file, 'utf8').matchAll(/\brequire\(["']([^"']+)["']\)/g)) {
        const pkg = packageOf(specifier!);
        if (pkg) byPackage.set(pkg, [...(byPackage.get(pkg) ?? []), file.slice(ROOT.length + 1)]);
      }
    }
  }
  return byPackage;
}

describe('what the image ships', () => {
  beforeAll(() => ensureBuilt('proxy'), 300_000);

  it('requires only declared production dependencies and Node built-ins', () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { dependencies: object };
    const declared = new Set(Object.keys(pkg.dependencies));
    const builtins = new Set(builtinModules.flatMap((m) => [m, `node:${m}`]));
    const undeclared = [...requiredPackages()]
      .filter(([name]) => !declared.has(name) && !builtins.has(name))
      .map(([name, files]) => `${name} (required by ${files[0]})`);
    expect(undeclared).toEqual([]);
  });
});

describe('the launch environment (scripts/launch-env.json)', () => {
  it('the image starts the proxy with the values npm start, the demo and the bench use', () => {
    const launch = JSON.parse(readFileSync(join(ROOT, 'scripts/launch-env.json'), 'utf8')) as Record<string, string>;
    expect(Object.keys(launch).length).toBeGreaterThan(0);
    const finalStage = parseDockerfile(join(ROOT, 'Dockerfile')).at(-1)!;
    const env = Object.assign(
      {},
      ...finalStage.instructions.filter((i) => i.keyword === 'ENV').map((i) => parseEnv(i.args)),
    ) as Record<string, string>;
    expect(env).toEqual(expect.objectContaining(launch));
  });
});

describe('built files named by scripts', () => {
  beforeAll(() => ensureBuilt('proxy', 'fake'), 300_000);

  it('every dist/…js that package.json, the Dockerfile, scripts/ or bench/ name is one the build writes', () => {
    const dirs = ['scripts', 'bench', 'bench/lib'];
    const files = [
      'package.json',
      'Dockerfile',
      ...dirs.flatMap((d) =>
        readdirSync(join(ROOT, d))
          .filter((f) => f.endsWith('.mjs'))
          .map((f) => join(d, f)),
      ),
    ];
    const named = files.flatMap((file) =>
      [...readFileSync(join(ROOT, file), 'utf8').matchAll(/dist\/[\w./-]+\.js/g)].map((m) => `${file}: ${m[0]}`),
    );
    expect(named.length).toBeGreaterThanOrEqual(3);
    expect(named.filter((entry) => !existsSync(join(ROOT, entry.split(': ')[1]!)))).toEqual([]);
  });
});

/** Top-level keys under `services:` in a compose file (two-space indented names), enough to count services. */
function composeServices(file: string): string[] {
  const text = readFileSync(join(ROOT, file), 'utf8');
  const block = /^services:\n((?:[ #].*\n|\n)*)/m.exec(text)?.[1] ?? '';
  return [...block.matchAll(/^ {2}([\w-]+):/gm)].map((m) => m[1]!);
}

describe('compose files', () => {
  it('`docker compose up` starts the one file-based proxy, whose health check follows PORT', () => {
    expect(composeServices('docker-compose.yml')).toEqual(['multicodex-proxy']);
    const compose = readFileSync(join(ROOT, 'docker-compose.yml'), 'utf8');
    expect(compose).not.toMatch(/profiles:/);
    // No health check of its own: the image's HEALTHCHECK reads PORT (production-layout.e2e-spec.ts runs it).
    expect(compose).not.toMatch(/healthcheck:/);
    expect(compose).toMatch(/^ {6}PORT: \$\{PORT:-4010\}$/m);
    expect(compose).toContain('"${PORT:-4010}:${PORT:-4010}"');
  });

  it('the replicas project starts PostgreSQL and replicas only, and refuses to start without ADMIN_TOKEN', () => {
    expect(composeServices('docker-compose.replicas.yml')).toEqual(['postgres', 'replica-a', 'replica-b']);
    const compose = readFileSync(join(ROOT, 'docker-compose.replicas.yml'), 'utf8');
    expect(compose).toMatch(/ADMIN_TOKEN: \$\{ADMIN_TOKEN:\?/);
  });
});
