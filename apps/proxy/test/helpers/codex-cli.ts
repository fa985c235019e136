import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { TraceRecord } from '@mcp/contracts';
import { runCli, type CliRun } from './processes';
import type { Stack } from './stack';

/** `codex exec …` against a CODEX_HOME of the test's own, stdin closed (it would otherwise wait for more prompt text). */
export function codexExec(codex: string, args: string[], home: string, cwd: string): Promise<CliRun> {
  return runCli(codex, ['exec', '--skip-git-repo-check', '--sandbox', 'read-only', ...args], {
    cwd,
    env: { ...process.env, CODEX_HOME: home, MULTICODEX_API_KEY: 'unused-open-gateway', RUST_LOG: 'error' },
    timeoutMs: 90_000,
  });
}

export function expectCodexOk(run: CliRun): void {
  expect({ code: run.code, stderr: run.code === 0 ? '' : run.stderr }).toEqual({ code: 0, stderr: '' });
}

/** The traces listed since `since`, oldest first (the list leaves request bodies out). */
export async function listedTraces(stack: Stack, since: number): Promise<TraceRecord[]> {
  const response = await fetch(`${stack.baseUrl}/admin/traces?page=1&pageSize=100`, {
    headers: { 'x-admin-token': stack.adminToken },
  });
  const listed = ((await response.json()) as { traces: TraceRecord[] }).traces;
  return listed.filter((t) => t.at >= since).sort((a, b) => a.at - b.at);
}

/** The same traces, oldest first, each from its own page (with the request body). */
export async function fullTraces(stack: Stack, since: number): Promise<TraceRecord[]> {
  const listed = await listedTraces(stack, since);
  return Promise.all(
    listed.map(async (t) => {
      const one = await fetch(`${stack.baseUrl}/admin/traces/${t.id}`, {
        headers: { 'x-admin-token': stack.adminToken },
      });
      return ((await one.json()) as { trace: TraceRecord }).trace;
    }),
  );
}

export function isCompaction(trace: TraceRecord): boolean {
  return JSON.stringify(trace.requestBody ?? null).includes('"compaction_trigger"');
}

/** The rate limits Codex recorded in its session files (what its /status shows). */
export function recordedRateLimits(home: string): Array<Record<string, unknown>> {
  const found: Array<Record<string, unknown>> = [];
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.name.endsWith('.jsonl')) {
        for (const line of readFileSync(path, 'utf8').split('\n')) {
          if (!line.includes('"rate_limits"')) continue;
          const payload = (JSON.parse(line) as { payload?: { rate_limits?: Record<string, unknown> } }).payload;
          if (payload?.rate_limits) found.push(payload.rate_limits);
        }
      }
    }
  };
  walk(join(home, 'sessions'));
  return found;
}
