import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const ROOT = resolve(__dirname, '..');

function render(root: string, ...args: string[]): { status: number | null; stderr: string } {
  const run = spawnSync(process.execPath, [join(root, 'bench/render.mjs'), ...args], { encoding: 'utf8' });
  return { status: run.status, stderr: run.stderr };
}

/** One benchmark run, written once: README and bench/RESULTS.md show exactly what bench/results.json holds. */
describe('benchmark documents', () => {
  it('README and bench/RESULTS.md show the run in bench/results.json', () => {
    expect(render(ROOT, '--check')).toEqual({ status: 0, stderr: '' });
  });

  describe('after a new run', () => {
    let copy: string;
    beforeEach(() => {
      copy = mkdtempSync(join(tmpdir(), 'mcp-bench-docs-'));
      mkdirSync(join(copy, 'bench'));
      for (const file of ['README.md', 'bench/RESULTS.md', 'bench/results.json', 'bench/render.mjs']) {
        copyFileSync(join(ROOT, file), join(copy, file));
      }
    });
    afterEach(() => rmSync(copy, { recursive: true, force: true }));

    it('flags both documents as stale, then renders the new figures into both', () => {
      const results = JSON.parse(readFileSync(join(copy, 'bench/results.json'), 'utf8'));
      results.machine.date = '2030-01-01T00:00:00.000Z';
      results.rows[0].proxy = '0.123 ms';
      writeFileSync(join(copy, 'bench/results.json'), JSON.stringify(results));

      expect(render(copy, '--check')).toEqual({
        status: 1,
        stderr: 'bench/RESULTS.md, README.md: not the run in bench/results.json; run node bench/render.mjs\n',
      });
      expect(render(copy).status).toBe(0);
      for (const file of ['README.md', 'bench/RESULTS.md']) {
        const text = readFileSync(join(copy, file), 'utf8');
        expect(text).toContain('Run of 2030-01-01T00:00:00.000Z');
        expect(text).toContain(`| ${results.rows[0].figure} | 0.123 ms |`);
      }
      expect(render(copy, '--check').status).toBe(0);
    });
  });
});
