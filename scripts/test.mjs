// `npm test`: outside programs first (one line per missing one), lint, type-check, build (the browser e2e and
// the production-layout test use the build), then every Jest project (node unit + HTTP e2e, dashboard, browser
// e2e). Ends with one plain "N passed, N failed, N skipped" line. Under CI=true a missing prerequisite or any
// skipped test fails the run: CI must never pass by skipping.
import { execSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { root } from './build-state.mjs';
import { checkPrerequisites, skippedTests } from './prerequisites.mjs';

const CI = process.env.CI === 'true';

function step(title, command) {
  process.stdout.write(`\n[test] ${title}: ${command}\n`);
  try {
    execSync(command, { cwd: root, stdio: 'inherit' });
  } catch {
    process.stdout.write(`\n[test] ${title} failed (see above)\n`);
    process.exit(1);
  }
}

const missing = checkPrerequisites().filter((p) => !p.path);
for (const p of missing) process.stdout.write(`[test] ${p.line}\n`);
if (missing.length > 0 && CI) {
  process.stdout.write(`[test] CI=true: ${missing.length} prerequisite(s) missing; .ci/run installs them all\n`);
  process.exit(1);
}

step('lint', 'npm run lint --silent');
step('type-check', 'npx tsc --noEmit -p tsconfig.json');
step('build (only what changed)', 'node scripts/ensure-built.mjs proxy fake dashboard');

mkdirSync(join(root, 'test-artifacts'), { recursive: true });
const report = join(root, 'test-artifacts', 'jest-report.json');
const jestArgs = ['jest', '--ci', '--maxWorkers=2', '--json', `--outputFile=${report}`, ...process.argv.slice(2)];
process.stdout.write(`\n[test] jest: npx ${jestArgs.join(' ')}\n`);
rmSync(report, { force: true });
const run = spawnSync('npx', jestArgs, { cwd: root, stdio: 'inherit' });

let status = run.status ?? 1;
if (existsSync(report)) {
  const result = JSON.parse(readFileSync(report, 'utf8'));
  const skipped = skippedTests(result);
  process.stdout.write(
    `\njest: ${result.numPassedTests} passed, ${result.numFailedTests} failed, ${skipped.length} skipped\n`,
  );
  if (CI && skipped.length > 0) {
    process.stdout.write(`[test] CI=true: no test may be skipped; skipped:\n  ${skipped.join('\n  ')}\n`);
    status = 1;
  }
} else if (CI) {
  status = 1;
}
process.exit(status);
