import type { AccountState, Block, UsageSnapshot, UsageWindow } from '@mcp/contracts';

/** The part of an account that routing reads. `Account` from @mcp/accounts satisfies it. */
export interface RoutingAccount {
  id: string;
  enabled: boolean;
  priority: number;
  usage?: UsageSnapshot;
  state: AccountState;
}

export type WindowName = '5h' | 'weekly';

export interface NamedWindow {
  name: WindowName;
  window: UsageWindow;
}

/** The windows routing looks at (§6: other lengths are kept but not routed on). */
export function routingWindows(usage: UsageSnapshot | undefined): NamedWindow[] {
  const windows: NamedWindow[] = [];
  if (usage?.fiveHour) windows.push({ name: '5h', window: usage.fiveHour });
  if (usage?.weekly) windows.push({ name: 'weekly', window: usage.weekly });
  return windows;
}

/**
 * A window whose reset time has passed has refilled, whatever the (older) snapshot says: treat it
 * as untouched and project its next reset forward by whole window lengths.
 */
export function currentWindow(window: UsageWindow, now: number): UsageWindow {
  if (window.resetAt === null || window.resetAt > now) return window;
  const lengthMs = window.windowSeconds * 1000;
  if (lengthMs <= 0) return { ...window, usedPercent: 0, resetAt: null };
  const periods = Math.floor((now - window.resetAt) / lengthMs) + 1;
  return { ...window, usedPercent: 0, resetAt: window.resetAt + periods * lengthMs };
}

export function activeAccountBlock(account: RoutingAccount, now: number): Block | undefined {
  const until = account.state.blockedUntil;
  if (until === undefined || until <= now) return undefined;
  return { until, kind: account.state.blockKind ?? 'quota', reason: account.state.blockReason ?? '' };
}

export function activeModelBlock(account: RoutingAccount, model: string, now: number): Block | undefined {
  const block = account.state.modelBlocks?.[model];
  return block && block.until > now ? block : undefined;
}

// When a spent quota resets is one rule, owned by @mcp/codex and shared with accounts (issue 21).
export { exhaustion, type Exhaustion } from '@mcp/codex';

/** `5h 12%, weekly 40%` — or `no usage snapshot`. */
export function describeUsage(usage: UsageSnapshot | undefined, now: number): string {
  if (!usage) return 'no usage snapshot';
  const windows = routingWindows(usage);
  if (windows.length === 0) return 'no quota windows known';
  return windows
    .map(({ name, window }) => `${name} ${formatPercent(currentWindow(window, now).usedPercent)}%`)
    .join(', ');
}

function formatPercent(value: number): string {
  return Number.isInteger(value) ? String(value) : value.toFixed(1);
}

const isoBySecond = new Map<number, string>();

/**
 * ISO-8601 to the second, as the 429 message shows it (§12.2). Every request's ranking writes a few of these (last
 * selection, weekly resets, block ends), mostly the same seconds again: they are remembered, a few hundred at most.
 */
export function isoSeconds(ms: number): string {
  const second = Math.floor(ms / 1000);
  let text = isoBySecond.get(second);
  if (text === undefined) {
    // toISOString always ends in `.sssZ`, years beyond 9999 included; an invalid time throws before anything is kept.
    text = `${new Date(second * 1000).toISOString().slice(0, -5)}Z`;
    if (isoBySecond.size >= 256) isoBySecond.clear();
    isoBySecond.set(second, text);
  }
  return text;
}
