import type { AttemptClass, TraceAttempt } from '@mcp/contracts';
import { noAccountMessage } from '@mcp/routing';
import { OpenAiHttpError, modelNotFound } from './openai-error';

/** The parts of routing's NoAccountAvailableError the mapping reads (PROTOCOL.md §12.2). */
export interface NoAccountFacts {
  reason: 'no_accounts' | 'needs_reauth' | 'exhausted' | 'model_unavailable' | 'transient';
  message: string;
  model: string;
  soonestResetAt?: number;
  /** Accounts the message talks about. */
  accountCount?: number;
}

export interface FinalErrorContext {
  now: number;
  /** Retry-After for 503 when routing knows no cooldown end (TRANSIENT_COOLDOWN_MS). */
  transientCooldownMs: number;
}

const UNUSABLE: ReadonlySet<AttemptClass> = new Set(['empty_output', 'truncated']);
const REFUSED: ReadonlySet<AttemptClass> = new Set(['quota', 'rate_limit', 'plan']);

export const NO_ACCOUNTS_MESSAGE = 'No enabled account is configured: add one in the dashboard.';

/**
 * The answer when no candidate is left (§7.5, §12.2): routing says why the remaining accounts are out, and the
 * attempts say whether every upstream answer was unusable (502) rather than unavailable (503).
 */
export function finalError(
  noAccount: NoAccountFacts,
  attempts: readonly TraceAttempt[],
  ctx: FinalErrorContext,
): OpenAiHttpError {
  const failed = attempts.filter((a) => a.class !== 'ok');
  if (failed.length > 0 && failed.every((a) => UNUSABLE.has(a.class))) return badGateway(failed);
  // §7.4: 503 only when some candidate failed transiently in this request. When every account's last attempt was
  // refused for quota or a rate limit (and a block ended before routing looked again, e.g. a reset rounded to the
  // second), the pool is exhausted: 429, never 503.
  if (noAccount.reason === 'transient' && failed.length > 0 && lastOutcomes(failed).every((c) => REFUSED.has(c))) {
    return exhausted(asExhausted(noAccount, failed, ctx.now), ctx.now);
  }
  switch (noAccount.reason) {
    case 'no_accounts':
      return new OpenAiHttpError(503, NO_ACCOUNTS_MESSAGE, 'service_unavailable', { code: 'no_accounts' });
    case 'needs_reauth':
      return new OpenAiHttpError(503, noAccount.message, 'service_unavailable', { code: 'accounts_need_reauth' });
    case 'model_unavailable':
      return modelNotFound(noAccount.model);
    case 'exhausted':
      return exhausted(noAccount, ctx.now);
    case 'transient':
      return upstreamUnavailable(noAccount, ctx);
  }
}

/** Each tried account's last attempt class: a transient failure followed by a quota answer counts as quota. */
function lastOutcomes(failed: readonly TraceAttempt[]): AttemptClass[] {
  const last = new Map<string, AttemptClass>();
  for (const attempt of failed) last.set(attempt.accountId, attempt.class);
  return [...last.values()];
}

function asExhausted(noAccount: NoAccountFacts, failed: readonly TraceAttempt[], now: number): NoAccountFacts {
  const soonestResetAt = noAccount.soonestResetAt ?? now + 1000;
  const accountCount = noAccount.accountCount ?? new Set(failed.map((a) => a.accountId)).size;
  const details = { reason: 'exhausted' as const, model: noAccount.model, accountCount, soonestResetAt };
  return { ...details, message: noAccountMessage(details, now) };
}

function secondsUntil(at: number | undefined, now: number): number | undefined {
  if (at === undefined) return undefined;
  return Math.max(1, Math.ceil((at - now) / 1000));
}

function exhausted(noAccount: NoAccountFacts, now: number): OpenAiHttpError {
  const retryAfter = secondsUntil(noAccount.soonestResetAt, now);
  const extra: Record<string, unknown> = {};
  const headers: Record<string, string> = {};
  if (retryAfter !== undefined && noAccount.soonestResetAt !== undefined) {
    extra['resets_at'] = Math.ceil(noAccount.soonestResetAt / 1000);
    extra['resets_in_seconds'] = retryAfter;
    headers['Retry-After'] = String(retryAfter);
  }
  return new OpenAiHttpError(429, noAccount.message, 'usage_limit_reached', {
    code: 'all_accounts_exhausted',
    headers,
    extra,
  });
}

function upstreamUnavailable(noAccount: NoAccountFacts, ctx: FinalErrorContext): OpenAiHttpError {
  const retryAfter =
    secondsUntil(noAccount.soonestResetAt, ctx.now) ?? Math.max(1, Math.ceil(ctx.transientCooldownMs / 1000));
  return new OpenAiHttpError(503, noAccount.message, 'service_unavailable', {
    code: 'upstream_unavailable',
    headers: { 'Retry-After': String(retryAfter) },
  });
}

function badGateway(failed: readonly TraceAttempt[]): OpenAiHttpError {
  const allEmpty = failed.every((a) => a.class === 'empty_output');
  const message = allEmpty
    ? `The upstream returned an empty answer on every attempt (${failed.length}).`
    : `The upstream returned an unusable answer on every attempt (${failed.length}): the stream ended early.`;
  return new OpenAiHttpError(502, message, 'upstream_error', { code: allEmpty ? 'empty_output' : 'bad_gateway' });
}

/** An upstream validation error (§4.2 client error): always 400 with the upstream message and code. */
export function upstreamClientError(message: string, code: string | null): OpenAiHttpError {
  return new OpenAiHttpError(400, message, 'invalid_request_error', { code });
}
