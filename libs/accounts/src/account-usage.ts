import { exhaustion, mergeUsage, type RoutedWindowName } from '@mcp/codex';
import type { AccountState, UsageSnapshot, UsageWindow } from '@mcp/contracts';

const ROUTED_WINDOWS = ['fiveHour', 'weekly'] as const;
const WINDOW_LABELS: Record<RoutedWindowName, string> = { '5h': '5-hour', weekly: 'weekly' };

/**
 * The new picture of an account's quota. A probe is the whole truth; headers and stream events
 * report what they carry and are folded into what we knew (@mcp/codex mergeUsage).
 */
export function nextUsage(previous: UsageSnapshot | undefined, next: UsageSnapshot): UsageSnapshot {
  return next.source === 'probe' ? next : mergeUsage(previous, next);
}

/**
 * Applies what a new snapshot says about blocks (PROTOCOL §7.4): a plan block ends when upstream says
 * `allowed:true`; a quota block ends when an exhausted window rolled over (under 100 % with a later
 * reset) and nothing else is exhausted; a window at 100 % blocks the account until it resets.
 */
export function reconcileBlocks(
  state: AccountState,
  previous: UsageSnapshot | undefined,
  next: UsageSnapshot,
  now: number,
): void {
  if (state.blockKind === 'plan' && next.allowed === true) clearAccountBlock(state);
  if (state.blockKind === 'quota' && quotaLifted(previous, next)) clearAccountBlock(state);
  const exhausted = quotaBlock(next, now);
  if (exhausted && (state.blockedUntil === undefined || state.blockedUntil < exhausted.until)) {
    state.blockedUntil = exhausted.until;
    state.blockKind = 'quota';
    state.blockReason = exhausted.reason;
  }
}

export function clearAccountBlock(state: AccountState): void {
  delete state.blockedUntil;
  delete state.blockKind;
  delete state.blockReason;
}

function isExhausted(window: UsageWindow | undefined): window is UsageWindow {
  return window !== undefined && window.usedPercent >= 100;
}

function quotaLifted(previous: UsageSnapshot | undefined, next: UsageSnapshot): boolean {
  if (next.limitReached === true || ROUTED_WINDOWS.some((name) => isExhausted(next[name]))) return false;
  return ROUTED_WINDOWS.some((name) => {
    const before = previous?.[name];
    const after = next[name];
    if (!isExhausted(before) || after === undefined) return false;
    return after.resetAt !== null && (before.resetAt === null || after.resetAt > before.resetAt);
  });
}

/** The quota block a snapshot implies: until the spent quota resets (@mcp/codex exhaustion), when that is known. */
function quotaBlock(usage: UsageSnapshot, now: number): { until: number; reason: string } | undefined {
  const spent = exhaustion(usage, now);
  if (!spent || spent.until === null || spent.until <= now) return undefined;
  const reason =
    spent.windows.length > 0
      ? `${spent.windows.map((name) => WINDOW_LABELS[name]).join(' and ')} window at 100%`
      : 'usage limit reached';
  return { until: spent.until, reason };
}
