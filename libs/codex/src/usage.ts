import type { Credits, UsageSnapshot, UsageWindow } from '@mcp/contracts';
import {
  CODEX_HEADER_PREFIX,
  EVENTS,
  FIVE_HOUR_SECONDS,
  QUOTA_ACCOUNT_HEADERS as A,
  QUOTA_WINDOW_HEADERS as W,
  QUOTA_WINDOW_POSITIONS,
  WEEKLY_SECONDS,
} from './constants';
import { headerGetter, type HeaderGetter, type HeaderSource } from './headers';
import { epochToMs, finiteNumber, isRecord, looseBoolean, nonEmptyString } from './json';

/** Builds one window; `resetAt` from an absolute epoch first, else relative to `now`. */
export function makeWindow(
  usedPercent: number,
  windowSeconds: number,
  resetAt: unknown,
  resetAfter: unknown,
  now: number,
): UsageWindow {
  const absolute = epochToMs(resetAt);
  const after = finiteNumber(resetAfter);
  const reset = absolute ?? (after !== undefined && after >= 0 ? now + Math.round(after * 1000) : null);
  return { usedPercent: Math.min(100, Math.max(0, usedPercent)), resetAt: reset, windowSeconds };
}

type WindowSlots = Pick<UsageSnapshot, 'fiveHour' | 'weekly' | 'otherWindows'>;

/** Places windows by their length, never by position (§4.3, §6); a second window of one length goes to otherWindows. */
export function slotWindows(windows: UsageWindow[]): WindowSlots {
  const slots: WindowSlots = {};
  for (const w of windows) {
    if (w.windowSeconds === FIVE_HOUR_SECONDS && !slots.fiveHour) slots.fiveHour = w;
    else if (w.windowSeconds === WEEKLY_SECONDS && !slots.weekly) slots.weekly = w;
    else (slots.otherWindows ??= []).push(w);
  }
  return slots;
}

function parseCredits(value: unknown): Credits | undefined {
  if (!isRecord(value)) return undefined;
  const balance = value['balance'];
  return {
    hasCredits: looseBoolean(value['has_credits']) ?? false,
    unlimited: looseBoolean(value['unlimited']) ?? false,
    balance: typeof balance === 'string' || typeof balance === 'number' ? String(balance) : null,
  };
}

function whamWindow(value: unknown, now: number): UsageWindow | undefined {
  if (!isRecord(value)) return undefined;
  const used = finiteNumber(value['used_percent']);
  if (used === undefined) return undefined;
  const seconds = finiteNumber(value['limit_window_seconds']) ?? 0;
  return makeWindow(used, seconds, value['reset_at'], value['reset_after_seconds'], now);
}

function assignDefined<T extends object>(target: T, values: Partial<T>): T {
  for (const [key, value] of Object.entries(values)) {
    if (value !== undefined) (target as Record<string, unknown>)[key] = value;
  }
  return target;
}

/** `GET /backend-api/wham/usage` → snapshot (§6). Undefined when the body carries no quota information. */
export function parseWhamUsage(body: unknown, now: number): UsageSnapshot | undefined {
  if (!isRecord(body)) return undefined;
  const rateLimit = isRecord(body['rate_limit']) ? body['rate_limit'] : undefined;
  const windows = [rateLimit?.['primary_window'], rateLimit?.['secondary_window']]
    .map((w) => whamWindow(w, now))
    .filter((w): w is UsageWindow => w !== undefined);
  const snapshot: UsageSnapshot = assignDefined<UsageSnapshot>(
    { fetchedAt: now, source: 'probe' },
    {
      ...slotWindows(windows),
      planType: nonEmptyString(body['plan_type']),
      allowed: looseBoolean(rateLimit?.['allowed']),
      limitReached: looseBoolean(rateLimit?.['limit_reached']),
      credits: parseCredits(body['credits']),
    },
  );
  if (Object.keys(snapshot).length === 2 && !('rate_limit' in body)) return undefined;
  snapshot.raw = body;
  return snapshot;
}

/** The names of one window's headers in a family, built once per family prefix (every upstream response reads them). */
interface WindowHeaderNames {
  usedPercent: string;
  windowMinutes: string;
  resetAt: string;
  resetAfterSeconds: string;
}

const windowHeaderNames = new Map<string, readonly WindowHeaderNames[]>();

function windowHeadersOf(prefix: string): readonly WindowHeaderNames[] {
  let names = windowHeaderNames.get(prefix);
  if (names === undefined) {
    names = QUOTA_WINDOW_POSITIONS.map((position) => ({
      usedPercent: `${prefix}${position}-${W.usedPercent}`,
      windowMinutes: `${prefix}${position}-${W.windowMinutes}`,
      resetAt: `${prefix}${position}-${W.resetAt}`,
      resetAfterSeconds: `${prefix}${position}-${W.resetAfterSeconds}`,
    }));
    // Families come from upstream (x-codex-active-limit): bound what an unexpected variety could hold.
    if (windowHeaderNames.size >= 64) windowHeaderNames.clear();
    windowHeaderNames.set(prefix, names);
  }
  return names;
}

/** The windows a header family (`x-codex-` or `x-<family>-`) announces, identified by minutes (§4.3). */
export function readHeaderWindows(get: HeaderGetter, prefix: string, now: number): UsageWindow[] {
  const windows: UsageWindow[] = [];
  for (const names of windowHeadersOf(prefix)) {
    const minutes = finiteNumber(get(names.windowMinutes));
    const used = finiteNumber(get(names.usedPercent));
    if (minutes === undefined || minutes <= 0 || used === undefined) continue;
    windows.push(makeWindow(used, minutes * 60, get(names.resetAt), get(names.resetAfterSeconds), now));
  }
  return windows;
}

const CODEX = {
  planType: `${CODEX_HEADER_PREFIX}${A.planType}`,
  activeLimit: `${CODEX_HEADER_PREFIX}${A.activeLimit}`,
  hasCredits: `${CODEX_HEADER_PREFIX}${A.creditsHasCredits}`,
  unlimited: `${CODEX_HEADER_PREFIX}${A.creditsUnlimited}`,
  balance: `${CODEX_HEADER_PREFIX}${A.creditsBalance}`,
} as const;

/** Any of these present means the response carries x-codex quota data. */
const CODEX_HEADER_NAMES = [
  ...windowHeadersOf(CODEX_HEADER_PREFIX).flatMap((names) => [names.usedPercent, names.windowMinutes]),
  ...Object.values(A).map((suffix) => `${CODEX_HEADER_PREFIX}${suffix}`),
];

function headerCredits(get: HeaderGetter): Credits | undefined {
  const has = looseBoolean(get(CODEX.hasCredits));
  const unlimited = looseBoolean(get(CODEX.unlimited));
  const balance = get(CODEX.balance);
  if (has === undefined && unlimited === undefined && balance === undefined) return undefined;
  return { hasCredits: has ?? false, unlimited: unlimited ?? false, balance: balance ?? null };
}

/** Passive quota update from the `x-codex-*` headers of any upstream response (§4.3). Undefined when none. */
export function parseCodexHeaders(headers: HeaderSource | undefined, now: number): UsageSnapshot | undefined {
  const get = headerGetter(headers);
  if (!CODEX_HEADER_NAMES.some((name) => get(name) !== undefined)) return undefined;
  return assignDefined<UsageSnapshot>(
    { fetchedAt: now, source: 'headers' },
    {
      ...slotWindows(readHeaderWindows(get, CODEX_HEADER_PREFIX, now)),
      planType: get(CODEX.planType),
      activeLimit: get(CODEX.activeLimit),
      credits: headerCredits(get),
    },
  );
}

function streamWindow(value: unknown, now: number): UsageWindow | undefined {
  if (!isRecord(value)) return undefined;
  const used = finiteNumber(value['used_percent']);
  const minutes = finiteNumber(value['window_minutes']);
  if (used === undefined || minutes === undefined || minutes <= 0) return undefined;
  const resetAt = value['reset_at'] ?? value['resets_at'];
  const resetAfter = value['reset_after_seconds'] ?? value['resets_in_seconds'];
  return makeWindow(used, minutes * 60, resetAt, resetAfter, now);
}

/** A `codex.rate_limits` stream event (the event JSON, or a parsed `{type, data}`) → snapshot (§3.2, §4.3). */
export function parseRateLimitsEvent(event: unknown, now: number): UsageSnapshot | undefined {
  const data =
    isRecord(event) && isRecord(event['data']) && event['type'] === EVENTS.rateLimits ? event['data'] : event;
  if (!isRecord(data)) return undefined;
  const limits = isRecord(data['rate_limits']) ? data['rate_limits'] : undefined;
  const windows = [limits?.['primary'], limits?.['secondary']]
    .map((w) => streamWindow(w, now))
    .filter((w): w is UsageWindow => w !== undefined);
  const snapshot = assignDefined<UsageSnapshot>(
    { fetchedAt: now, source: 'stream' },
    { ...slotWindows(windows), planType: nonEmptyString(data['plan_type']), credits: parseCredits(data['credits']) },
  );
  return Object.keys(snapshot).length > 2 ? snapshot : undefined;
}

function keepFresh(window: UsageWindow | undefined, now: number): UsageWindow | undefined {
  return window && (window.resetAt === null || window.resetAt > now) ? window : undefined;
}

function hasWindows(s: UsageSnapshot): boolean {
  return Boolean(s.fiveHour || s.weekly || s.otherWindows?.length);
}

/**
 * Folds a newer (possibly partial) snapshot into the previous one. Decision:
 * - a window the newer snapshot carries replaces the old one; a window it does not mention is kept, unless its
 *   reset time has passed (then we no longer know it and drop it);
 * - planType, credits, activeLimit and raw: the newer value when present, else the previous one;
 * - allowed / limitReached only come from the probe: a header or stream snapshot keeps them, except that it clears
 *   a stale limitReached when every window it reports is below 100 % (allowed:false is a plan fact only a probe
 *   may clear).
 * `fetchedAt` and `source` are the newer snapshot's.
 */
export function mergeUsage(previous: UsageSnapshot | undefined, next: UsageSnapshot): UsageSnapshot {
  if (!previous) return next;
  const now = next.fetchedAt;
  const merged: UsageSnapshot = { fetchedAt: now, source: next.source };
  assignDefined(merged, {
    fiveHour: next.fiveHour ?? keepFresh(previous.fiveHour, now),
    weekly: next.weekly ?? keepFresh(previous.weekly, now),
    otherWindows: next.otherWindows ?? previous.otherWindows?.filter((w) => keepFresh(w, now)),
    planType: next.planType ?? previous.planType,
    credits: next.credits ?? previous.credits,
    activeLimit: next.activeLimit ?? previous.activeLimit,
    raw: next.raw ?? previous.raw,
    allowed: next.allowed ?? previous.allowed,
    limitReached: next.limitReached ?? previous.limitReached,
  });
  if (merged.otherWindows?.length === 0) delete merged.otherWindows;
  const reportsHeadroom =
    next.limitReached === undefined && hasWindows(next) && windowsOf(next).every((w) => w.usedPercent < 100);
  if (reportsHeadroom) {
    if (merged.limitReached) merged.limitReached = false;
  }
  return merged;
}

/** Every window of a snapshot, in no particular order. */
export function windowsOf(snapshot: Pick<UsageSnapshot, 'fiveHour' | 'weekly' | 'otherWindows'>): UsageWindow[] {
  const all: UsageWindow[] = [];
  if (snapshot.fiveHour) all.push(snapshot.fiveHour);
  if (snapshot.weekly) all.push(snapshot.weekly);
  if (snapshot.otherWindows) all.push(...snapshot.otherWindows);
  return all;
}

/** The windows accounts are routed on (§6): other lengths are kept but never make an account unusable. */
export type RoutedWindowName = '5h' | 'weekly';

export interface Exhaustion {
  /** When every spent window has refilled; null when the snapshot gives no usable reset time. */
  until: number | null;
  windows: RoutedWindowName[];
}

/**
 * When a spent quota resets — the one rule, for accounts (the block it sets) and routing (eligibility, the 429's
 * reset). §7.1 #3: a window at 100 % (or `limitReached` with no window at 100 %, using the latest known reset) makes
 * the account unusable until that reset. Windows whose reset has passed have refilled and do not count.
 */
export function exhaustion(usage: UsageSnapshot | undefined, now: number): Exhaustion | undefined {
  const windows = routedWindows(usage);
  const spent = windows.filter(
    ({ window }) => window.usedPercent >= 100 && !(window.resetAt !== null && window.resetAt <= now),
  );
  if (spent.length > 0) {
    const resets = spent.map(({ window }) => window.resetAt);
    const until = resets.every((r): r is number => r !== null) ? Math.max(...resets) : null;
    return { until, windows: spent.map((w) => w.name) };
  }
  if (!usage?.limitReached) return undefined;
  const future = windows.map(({ window }) => window.resetAt).filter((r): r is number => r !== null && r > now);
  // A limitReached flag whose every window has already reset is stale, not a reason to skip.
  if (future.length === 0 && windows.length > 0) return undefined;
  return { until: future.length > 0 ? Math.max(...future) : null, windows: [] };
}

function routedWindows(usage: UsageSnapshot | undefined): { name: RoutedWindowName; window: UsageWindow }[] {
  const windows: { name: RoutedWindowName; window: UsageWindow }[] = [];
  if (usage?.fiveHour) windows.push({ name: '5h', window: usage.fiveHour });
  if (usage?.weekly) windows.push({ name: 'weekly', window: usage.weekly });
  return windows;
}
