import type { Block, UsageSnapshot } from '@mcp/contracts';
import { exhaustion } from './routing-account';

export type FailureKind =
  'quota' | 'plan' | 'rate_limit' | 'model_ineligible' | 'auth' | 'account' | 'transient' | 'client';

/** The fields of @mcp/codex's `UpstreamFailure` that decide a block (structurally compatible). */
export interface RoutingFailure {
  kind: FailureKind;
  message: string;
  status?: number | null;
  code?: string | null;
  /** Already computed by the classifier from §4.4 steps 1–4 (epoch ms). */
  resetAt?: number;
  retryAfterMs?: number;
  /** A quota of a per-model limit family: block account×model, not the account. */
  modelScoped?: boolean;
}

export interface BlockDurations {
  blockFallbackMs: number;
  rateLimitCooldownMs: number;
  transientCooldownMs: number;
  modelIneligibleMs: number;
}

export interface BlockDecision {
  block: Block;
  /** Set when the block is account×model (§7.4 scope). */
  model?: string;
}

const REASON_MAX = 200;

/** Transient failures in a row (no success between) after which the cooldown grows: quarantine. */
export const QUARANTINE_AFTER_STRIKES = 3;
/** The longest quarantine; also how long a streak is remembered once its last cooldown ended. */
export const QUARANTINE_MAX_MS = 10 * 60_000;

/**
 * PROTOCOL.md §4.2 / §7.4: the block or cooldown a classified failure leaves on the account.
 * `auth` (the caller refreshes, then marks needsReauth) and `client` (not the account's fault)
 * leave none.
 */
export function blockForFailure(
  failure: RoutingFailure,
  model: string,
  now: number,
  durations: BlockDurations,
  usage?: UsageSnapshot,
  previous?: Block,
): BlockDecision | undefined {
  const reason = describeFailure(failure);
  switch (failure.kind) {
    case 'quota': {
      const block: Block = { until: quotaResetAt(failure, now, durations, usage), kind: 'quota', reason };
      return failure.modelScoped ? { block, model } : { block };
    }
    case 'plan':
      // The probe clears a plan block once it reads allowed:true; the fallback bounds it in case no probe succeeds.
      return { block: { until: now + durations.blockFallbackMs, kind: 'plan', reason } };
    case 'rate_limit':
      return { block: { until: now + rateLimitMs(failure, now, durations), kind: 'rate_limit', reason } };
    case 'model_ineligible':
      return { block: { until: now + durations.modelIneligibleMs, kind: 'ineligible', reason }, model };
    case 'transient':
      return { block: transientBlock(previous, now, durations.transientCooldownMs, reason), model };
    case 'account':
      return { block: { until: now + durations.blockFallbackMs, kind: 'account', reason } };
    case 'auth':
    case 'client':
      return undefined;
  }
}

/**
 * A transient cooldown, grown into a quarantine when the account keeps failing: from the third failure in a row the
 * cooldown doubles each time (2×, 4×, … TRANSIENT_COOLDOWN_MS), up to QUARANTINE_MAX_MS. Both only demote the
 * account (§7.4); the quarantine puts it behind every other candidate and out of session affinity. A success ends
 * the streak (routing clears the entry); so does a quiet spell of QUARANTINE_MAX_MS after the last cooldown.
 */
export function transientBlock(previous: Block | undefined, now: number, baseMs: number, reason: string): Block {
  const streak =
    previous &&
    (previous.kind === 'transient' || previous.kind === 'quarantine') &&
    previous.until + QUARANTINE_MAX_MS > now
      ? (previous.strikes ?? 1)
      : 0;
  const strikes = streak + 1;
  if (strikes < QUARANTINE_AFTER_STRIKES) return { until: now + baseMs, kind: 'transient', reason, strikes };
  const factor = 2 ** (strikes - QUARANTINE_AFTER_STRIKES + 1);
  const ms = Math.min(QUARANTINE_MAX_MS, baseMs * factor);
  const why = `quarantined after ${strikes} transient failures in a row: ${reason}`;
  return { until: now + ms, kind: 'quarantine', reason: why.slice(0, REASON_MAX), strikes };
}

/** §4.4: the classifier's reset (steps 1–4), else the spent window of the snapshot (5), else the fallback (6). */
function quotaResetAt(failure: RoutingFailure, now: number, durations: BlockDurations, usage?: UsageSnapshot): number {
  if (failure.resetAt !== undefined && failure.resetAt > now) return failure.resetAt;
  if (failure.retryAfterMs !== undefined && failure.retryAfterMs > 0) return now + failure.retryAfterMs;
  const spent = exhaustion(usage, now);
  if (spent?.until != null && spent.until > now) return spent.until;
  return now + durations.blockFallbackMs;
}

function rateLimitMs(failure: RoutingFailure, now: number, durations: BlockDurations): number {
  if (failure.retryAfterMs !== undefined && failure.retryAfterMs > 0) return failure.retryAfterMs;
  if (failure.resetAt !== undefined && failure.resetAt > now) return failure.resetAt - now;
  return durations.rateLimitCooldownMs;
}

export function describeFailure(failure: RoutingFailure): string {
  const status = failure.status ? `${failure.status} ` : '';
  const code = failure.code ? `${failure.code}: ` : '';
  const text = `${status}${code}${failure.message}`.trim();
  return text.length > REASON_MAX ? `${text.slice(0, REASON_MAX - 1)}…` : text;
}
