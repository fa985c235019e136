// What `npm test` needs beyond npm packages, read from the one list the specs use
// (libs/testing/src/prerequisites.ts, transpiled on the fly so the two can never disagree),
// and what a Jest report says was skipped (CI fails on any).
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import ts from 'typescript';
import { root } from './build-state.mjs';

/** The suites each prerequisite enables, for the "what is skipped" line. */
export const SKIPPED_WITHOUT = {
  chromium: 'the browser e2e of the dashboard (apps/proxy/test/*.browser-spec.ts)',
  postgres: 'the PostgreSQL store and multi-replica specs (libs/postgres, apps/proxy/test/replicas-*)',
  codex: 'the Codex CLI e2e',
  claude: 'the Claude Code e2e',
  python: 'the Python openai client matrix',
};

function loadFinders() {
  const source = readFileSync(join(root, 'libs/testing/src/prerequisites.ts'), 'utf8');
  const { outputText } = ts.transpileModule(source, {
    compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022 },
  });
  const module = { exports: {} };
  new Function('module', 'exports', 'require', outputText)(module, module.exports, createRequire(import.meta.url));
  return module.exports;
}

/** Every prerequisite with `path` (undefined when missing) and one line saying what its absence skips. */
export function checkPrerequisites() {
  return loadFinders()
    .prerequisiteReport()
    .map((p) => ({
      ...p,
      line: `missing ${p.what}: ${SKIPPED_WITHOUT[p.name] ?? `the ${p.name} specs`} will be SKIPPED. To get it: ${p.howToGet}`,
    }));
}

/** Names of the tests a Jest --json report marks as not run (it.skip, describe.skip, a missing prerequisite). */
export function skippedTests(report) {
  return report.testResults.flatMap((file) =>
    file.assertionResults
      .filter((t) => t.status === 'pending' || t.status === 'todo' || t.status === 'skipped')
      .map((t) => `${file.name.startsWith(root) ? file.name.slice(root.length) : file.name}: ${t.fullName}`),
  );
}
