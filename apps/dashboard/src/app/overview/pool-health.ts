import type { AccountView, UsageWindow } from '@mcp/contracts';

export type AccountHealth = 'usable' | 'blocked' | 'needs_reauth' | 'disabled';

export interface PoolHealth {
  total: number;
  usable: number;
  blocked: number;
  needsReauth: number;
  disabled: number;
}

/** Whether the pool can serve now, and if not, when the first account comes back. */
export type PoolCapacity =
  | { state: 'empty' }
  | { state: 'now'; usable: number }
  | { state: 'later'; at: number; accountId: string }
  | { state: 'unknown' };

function windowsOf(account: AccountView): UsageWindow[] {
  const usage = account.usage;
  if (!usage) return [];
  return [usage.fiveHour, usage.weekly, ...(usage.otherWindows ?? [])].filter((w): w is UsageWindow => w !== undefined);
}

/**
 * The moment an enabled, logged-in account can serve again (PROTOCOL §7.1): the later of its block end and
 * the reset of every exhausted window. `null` when a limit is reached with no known reset.
 */
export function accountReadyAt(account: AccountView, now: number): number | null {
  let readyAt = now;
  const blockedUntil = account.state.blockedUntil;
  if (blockedUntil !== undefined && blockedUntil > readyAt) readyAt = blockedUntil;
  const windows = windowsOf(account);
  const exhausted = windows.filter((w) => w.usedPercent >= 100);
  for (const window of exhausted) {
    if (window.resetAt === null) return null;
    if (window.resetAt > readyAt) readyAt = window.resetAt;
  }
  if (account.usage?.limitReached && exhausted.length === 0) {
    const resets = windows.map((w) => w.resetAt).filter((r): r is number => r !== null);
    if (resets.length === 0) return null;
    readyAt = Math.max(readyAt, ...resets);
  }
  return readyAt;
}

export function accountHealth(account: AccountView, now: number): AccountHealth {
  if (!account.enabled || account.status === 'disabled') return 'disabled';
  if (account.state.needsReauth || account.status === 'needs_reauth') return 'needs_reauth';
  const readyAt = accountReadyAt(account, now);
  return readyAt !== null && readyAt <= now ? 'usable' : 'blocked';
}

export function poolHealth(accounts: readonly AccountView[], now: number): PoolHealth {
  const health: PoolHealth = { total: accounts.length, usable: 0, blocked: 0, needsReauth: 0, disabled: 0 };
  for (const account of accounts) {
    const state = accountHealth(account, now);
    if (state === 'usable') health.usable++;
    else if (state === 'blocked') health.blocked++;
    else if (state === 'needs_reauth') health.needsReauth++;
    else health.disabled++;
  }
  return health;
}

/** Disabled and logged-out accounts never come back on their own, so they do not count. */
export function soonestCapacity(accounts: readonly AccountView[], now: number): PoolCapacity {
  if (accounts.length === 0) return { state: 'empty' };
  let usable = 0;
  let soonest: { at: number; accountId: string } | undefined;
  for (const account of accounts) {
    const health = accountHealth(account, now);
    if (health === 'usable') usable++;
    if (health !== 'blocked') continue;
    const at = accountReadyAt(account, now);
    if (at !== null && (soonest === undefined || at < soonest.at)) soonest = { at, accountId: account.id };
  }
  if (usable > 0) return { state: 'now', usable };
  return soonest ? { state: 'later', ...soonest } : { state: 'unknown' };
}
