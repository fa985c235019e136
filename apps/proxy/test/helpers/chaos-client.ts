import type { TraceRecord } from '@mcp/contracts';
import { dataObjects, parseSseText } from './sse';
import type { Stack } from './stack';

export type ChaosMode = 'chat' | 'chat_stream' | 'responses_stream';

/** What one client saw. */
export interface Outcome {
  session: number;
  turn: number;
  mode: ChaosMode;
  requestId: string | null;
  status: number;
  /** The whole answer arrived and reads exactly as the emulator wrote it. */
  complete: boolean;
  /** An error inside a 200 stream (after the commit point). */
  streamError: string | null;
  errorCode: string | null;
  /** The Retry-After of an error answer. */
  retryAfterSec: number | null;
  hung: boolean;
}

const MODEL = 'gpt-5.3-codex';

/** One request of a chaos session, through plain fetch, read to the end (or to the client's deadline). */
export async function chaosRequest(
  stack: Stack,
  mode: ChaosMode,
  session: number,
  turn: number,
  deadlineMs: number,
): Promise<Outcome> {
  const text = `session ${session} turn ${turn}`;
  const key = `chaos-session-${session}`;
  const [path, body] =
    mode === 'responses_stream'
      ? ['/v1/responses', { model: MODEL, input: text, stream: true, prompt_cache_key: key }]
      : [
          '/v1/chat/completions',
          { model: MODEL, messages: [{ role: 'user', content: text }], stream: mode === 'chat_stream' },
        ];
  const outcome: Outcome = {
    session,
    turn,
    mode,
    requestId: null,
    status: 0,
    complete: false,
    streamError: null,
    errorCode: null,
    retryAfterSec: null,
    hung: false,
  };
  try {
    const res = await fetch(`${stack.baseUrl}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-session-id': key },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(deadlineMs),
    });
    outcome.requestId = res.headers.get('x-request-id');
    outcome.status = res.status;
    const raw = await res.text();
    if (res.status !== 200) {
      const retryAfter = Number(res.headers.get('retry-after'));
      if (retryAfter > 0) outcome.retryAfterSec = retryAfter;
      outcome.errorCode = (JSON.parse(raw) as { error?: { code?: string } }).error?.code ?? 'unknown';
      return outcome;
    }
    readAnswer(mode, raw, `echo: ${text}`, outcome);
  } catch (error) {
    if ((error as Error).name === 'TimeoutError') outcome.hung = true;
    else outcome.streamError = (error as Error).message;
  }
  return outcome;
}

function readAnswer(mode: ChaosMode, raw: string, expected: string, outcome: Outcome): void {
  if (mode === 'chat') {
    const body = JSON.parse(raw) as { choices?: { message?: { content?: string } }[] };
    outcome.complete = body.choices?.[0]?.message?.content === expected;
    return;
  }
  const events = dataObjects(parseSseText(raw));
  const error = events.find((e) => e.error !== undefined || e.type === 'error' || e.type === 'response.failed');
  if (error) {
    outcome.streamError = JSON.stringify(error).slice(0, 200);
    return;
  }
  if (mode === 'chat_stream') {
    const chunks = events as { choices?: { delta?: { content?: string } }[] }[];
    outcome.complete = chunks.map((c) => c.choices?.[0]?.delta?.content ?? '').join('') === expected;
    return;
  }
  const deltas = events.filter((e) => e.type === 'response.output_text.delta').map((e) => String(e.delta));
  const done = events.some((e) => e.type === 'response.completed');
  outcome.complete = done && deltas.join('') === expected;
}

/** Skip reasons that mean "could not serve": anything else left untried makes an error premature. */
const HARD_SKIP =
  /^(disabled|needs a new login|blocked \((quota|plan|account|rate_limit)\)|failed in this request|.*window at 100%|usage limit reached|the model catalogue)/;

/**
 * §7.6 invariant 1 from the trace: an error is premature when some account was neither tried in this request nor
 * out for a hard reason (quota, plan, login, a spent window).
 */
export function prematureBecause(trace: TraceRecord, accountIds: readonly string[]): string | undefined {
  const tried = new Set(trace.attempts.map((a) => a.accountId));
  const skipped = new Map((trace.routing?.skipped ?? []).map((s) => [s.accountId, s.reason]));
  for (const id of accountIds) {
    if (tried.has(id)) continue;
    const reason = skipped.get(id);
    if (reason === undefined || !HARD_SKIP.test(reason)) return `${id} was not tried (${reason ?? 'no reason given'})`;
  }
  return undefined;
}

/**
 * §7.6 invariant 3: when a session moves from `previous` to another account, the trace must show why: the previous
 * account failed in this request, was skipped, or is quarantined.
 */
export function sessionMoveExplained(trace: TraceRecord, previous: string): boolean {
  if (trace.attempts.some((a) => a.accountId === previous && a.class !== 'ok')) return true;
  if (trace.routing?.skipped.some((s) => s.accountId === previous)) return true;
  return Boolean(trace.routing?.candidates.some((c) => c.accountId === previous && c.reason.startsWith('quarantined')));
}

/** Every trace the gateway kept, through the admin API (newest first pages). */
export async function allTraces(stack: Stack): Promise<TraceRecord[]> {
  const traces: TraceRecord[] = [];
  for (let page = 1; ; page++) {
    const res = await fetch(`${stack.baseUrl}/admin/traces?page=${page}&pageSize=100`, {
      headers: { 'x-admin-token': stack.adminToken },
    });
    const body = (await res.json()) as { traces: TraceRecord[]; pagination: { hasNext: boolean } };
    traces.push(...body.traces);
    if (!body.pagination.hasNext) return traces;
  }
}

/** Requests in the lifetime stats history (§10.5). */
export async function historyRequests(stack: Stack): Promise<number> {
  const res = await fetch(`${stack.baseUrl}/admin/stats/usage`, { headers: { 'x-admin-token': stack.adminToken } });
  return ((await res.json()) as { totals: { requests: number } }).totals.requests;
}
