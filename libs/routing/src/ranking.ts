import { currentWindow, describeUsage, isoSeconds, routingWindows, type RoutingAccount } from './routing-account';

export type Tier = 1 | 2 | 3;

export interface RankedCandidate {
  accountId: string;
  tier: Tier;
  reason: string;
}

interface TierKey {
  account: RoutingAccount;
  tier: Tier;
  /** Tier 2 sort key: the weekly reset, to the second (ties within a second fall to priority). */
  weeklyResetSecond: number;
  weeklyResetAt: number | null;
}

/**
 * PROTOCOL.md §7.2. Tier 1: a known snapshot whose every window is at 0 % (priority, then the
 * least recently selected, then id). Tier 2: the weekly window that refills soonest (then
 * priority, id). Tier 3: no snapshot or no weekly window (priority, id). Lower priority first.
 */
export function rankCandidates(accounts: readonly RoutingAccount[], now: number): RankedCandidate[] {
  const keyed = accounts.map((account) => tierKey(account, now));
  keyed.sort(compareKeys);
  return keyed.map((key) => ({ accountId: key.account.id, tier: key.tier, reason: explain(key, now) }));
}

function tierKey(account: RoutingAccount, now: number): TierKey {
  const windows = routingWindows(account.usage).map(({ window }) => currentWindow(window, now));
  const weekly = account.usage?.weekly ? currentWindow(account.usage.weekly, now) : undefined;
  const weeklyResetAt = weekly?.resetAt ?? null;
  let tier: Tier = 3;
  if (windows.length > 0 && windows.every((w) => w.usedPercent === 0)) tier = 1;
  else if (weeklyResetAt !== null) tier = 2;
  return {
    account,
    tier,
    weeklyResetAt,
    weeklyResetSecond: weeklyResetAt === null ? 0 : Math.floor(weeklyResetAt / 1000),
  };
}

function compareKeys(a: TierKey, b: TierKey): number {
  if (a.tier !== b.tier) return a.tier - b.tier;
  if (a.tier === 2 && a.weeklyResetSecond !== b.weeklyResetSecond) return a.weeklyResetSecond - b.weeklyResetSecond;
  if (a.account.priority !== b.account.priority) return a.account.priority - b.account.priority;
  if (a.tier === 1) {
    const selected = (a.account.state.lastSelectedAt ?? 0) - (b.account.state.lastSelectedAt ?? 0);
    if (selected !== 0) return selected;
  }
  return a.account.id < b.account.id ? -1 : a.account.id > b.account.id ? 1 : 0;
}

function explain(key: TierKey, now: number): string {
  const { account } = key;
  const usage = describeUsage(account.usage, now);
  if (key.tier === 1) {
    const last = account.state.lastSelectedAt;
    const selected = last === undefined ? 'never selected' : `last selected ${isoSeconds(last)}`;
    return `untouched (${usage}); priority ${account.priority}; ${selected}`;
  }
  if (key.tier === 2)
    return `weekly resets ${isoSeconds(key.weeklyResetAt ?? 0)} (${usage}); priority ${account.priority}`;
  const missing = account.usage ? 'no weekly window' : 'no usage snapshot';
  return `${missing}${account.usage ? ` (${usage})` : ''}; priority ${account.priority}`;
}
