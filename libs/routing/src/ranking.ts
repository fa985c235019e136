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
  return keyed.map((key) => ({ accountId: key.account.id, tier: key.tier, reason: explained(key, now) }));
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

/** What an account's reason is made of; the same inputs give the same text. */
interface Explained {
  usage: RoutingAccount['usage'];
  priority: number;
  tier: Tier;
  weeklyResetSecond: number;
  /** Tier 1 only: the second of the last selection (-1 for never), which the reason prints. */
  selectedSecond: number;
  /** Which windows' reset times have passed (the reason then counts them as refilled). */
  passed: number;
  text: string;
}

/** Reasons kept per account id; a pool never has more accounts than this, a leak of deleted ids is bounded by it. */
const EXPLAINED_MAX = 1024;
const explainedById = new Map<string, Explained>();

/**
 * Every request ranks every account and the trace keeps each one's reason: building those strings was half of a
 * routing decision (4 of 9 µs with 3 accounts, 13 of 21 µs with 10). An account's reason changes only when its usage
 * snapshot, priority, tier, weekly reset second, last-selection second (tier 1) or refilled windows do, so it is
 * rebuilt only then.
 */
function explained(key: TierKey, now: number): string {
  const { account } = key;
  const selected = account.state.lastSelectedAt;
  const selectedSecond = key.tier !== 1 || selected === undefined ? -1 : Math.floor(selected / 1000);
  const passed = passedWindows(account, now);
  const hit = explainedById.get(account.id);
  if (
    hit !== undefined &&
    hit.usage === account.usage &&
    hit.priority === account.priority &&
    hit.tier === key.tier &&
    hit.weeklyResetSecond === key.weeklyResetSecond &&
    hit.selectedSecond === selectedSecond &&
    hit.passed === passed
  ) {
    return hit.text;
  }
  const text = explain(key, now);
  if (explainedById.size >= EXPLAINED_MAX) explainedById.clear();
  explainedById.set(account.id, {
    usage: account.usage,
    priority: account.priority,
    tier: key.tier,
    weeklyResetSecond: key.weeklyResetSecond,
    selectedSecond,
    passed,
    text,
  });
  return text;
}

function passedWindows(account: RoutingAccount, now: number): number {
  const fiveHour = account.usage?.fiveHour?.resetAt;
  const weekly = account.usage?.weekly?.resetAt;
  return (fiveHour != null && fiveHour <= now ? 1 : 0) + (weekly != null && weekly <= now ? 2 : 0);
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
