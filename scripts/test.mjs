// `npm test`: lint, type-check, build (the browser e2e serves the built dashboard), then every Jest
// project (node unit + HTTP e2e, dashboard, browser e2e). Ends with one plain "N passed, N failed" line.
import { execSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { root } from './build-state.mjs';

function step(title, command) {
  process.stdout.write(`\n[test] ${title}: ${command}\n`);
  try {
    execSync(command, { cwd: root, stdio: 'inherit' });
  } catch {
    process.stdout.write(`\n[test] ${title} failed (see above)\n`);
    process.exit(1);
  }
}

step('lint', 'npm run lint --silent');
step('type-check', 'npx tsc --noEmit -p tsconfig.json');
step('build (only what changed)', 'node scripts/ensure-built.mjs proxy fake dashboard');

mkdirSync(join(root, 'test-artifacts'), { recursive: true });
const report = join(root, 'test-artifacts', 'jest-report.json');
const jestArgs = ['jest', '--ci', '--maxWorkers=2', '--json', `--outputFile=${report}`, ...process.argv.slice(2)];
process.stdout.write(`\n[test] jest: npx ${jestArgs.join(' ')}\n`);
const run = spawnSync('npx', jestArgs, { cwd: root, stdio: 'inherit' });

if (existsSync(report)) {
  const result = JSON.parse(readFileSync(report, 'utf8'));
  const skipped = result.numPendingTests + result.numTodoTests;
  process.stdout.write(
    `\njest: ${result.numPassedTests} passed, ${result.numFailedTests} failed, ${skipped} skipped\n`,
  );
}
process.exit(run.status ?? 1);
