import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const ROOT = resolve(__dirname, '..');

/**
 * `npm test` states what it needs: one line per missing outside program before anything runs, and under CI=true
 * it stops there. A HOME without the CI cache and no *_BIN variables hides the Codex CLI, Claude Code and the
 * Python clients (Chromium and PostgreSQL are system packages, found wherever they are installed).
 */
describe('npm test prerequisites', () => {
  let home: string;
  beforeEach(() => (home = mkdtempSync(join(tmpdir(), 'mcp-home-'))));
  afterEach(() => rmSync(home, { recursive: true, force: true }));

  const env = (extra: Record<string, string>) => ({ PATH: process.env['PATH'], HOME: home, ...extra });

  it('under CI=true, names each missing program, what it skips and how to get it, and fails before lint', () => {
    const run = spawnSync(process.execPath, ['scripts/test.mjs'], { cwd: ROOT, env: env({ CI: 'true' }) });
    const lines = run.stdout.toString().trim().split('\n');
    expect(run.status).toBe(1);
    expect(lines).toEqual([
      expect.stringMatching(
        /^\[test\] missing the Codex CLI: the Codex CLI e2e will be SKIPPED\. To get it: set CODEX_BIN/,
      ),
      expect.stringMatching(
        /^\[test\] missing the Claude Code CLI: the Claude Code e2e will be SKIPPED\. To get it: set CLAUDE_BIN/,
      ),
      expect.stringMatching(/^\[test\] missing a Python with the openai package: .* To get it: set PYTHON_CLIENTS/),
      '[test] CI=true: 3 prerequisite(s) missing; .ci/run installs them all',
    ]);
  });

  it('finds a program given by its variable', () => {
    const script = `import('./scripts/prerequisites.mjs').then((m) => console.log(JSON.stringify(m.checkPrerequisites())))`;
    const run = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
      cwd: ROOT,
      env: env({ CODEX_BIN: process.execPath }),
    });
    const found = JSON.parse(run.stdout.toString()) as { name: string; path?: string }[];
    expect(found.find((p) => p.name === 'codex')?.path).toBe(process.execPath);
    expect(found.find((p) => p.name === 'claude')?.path).toBeUndefined();
  });

  it('lists every skipped test of a Jest report, so CI can fail on them', () => {
    const report = {
      testResults: [
        {
          name: join(ROOT, 'apps/proxy/test/a.e2e-spec.ts'),
          assertionResults: [
            { status: 'passed', fullName: 'a runs' },
            { status: 'pending', fullName: 'a is skipped' },
          ],
        },
        { name: join(ROOT, 'libs/b.spec.ts'), assertionResults: [{ status: 'todo', fullName: 'b later' }] },
      ],
    };
    const script = `import('./scripts/prerequisites.mjs').then((m) => console.log(JSON.stringify(m.skippedTests(${JSON.stringify(report)}))))`;
    const run = spawnSync(process.execPath, ['--input-type=module', '-e', script], { cwd: ROOT, env: env({}) });
    expect(JSON.parse(run.stdout.toString())).toEqual([
      'apps/proxy/test/a.e2e-spec.ts: a is skipped',
      'libs/b.spec.ts: b later',
    ]);
  });
});
