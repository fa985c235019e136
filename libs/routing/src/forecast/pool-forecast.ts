/**
 * Pool forecast: when does the pool run dry for a model at the current pace, and which reset brings
 * capacity back (PROTOCOL.md §13.4 `pool`, GET /admin/forecast).
 *
 * Method. Quota windows are measured in percent, and a percent of one plan is not a percent of
 * another, so the common unit is the request:
 *  1. Cost: for each account and window, the percent one request costs, observed as
 *     Δ used percent / Δ requests served between the first and last checkpoint of the current
 *     window period within the lookback (UsageHistory). An account with no observation borrows the
 *     median cost of the others for that window.
 *  2. Pace: requests per hour the whole pool served over the lookback.
 *  3. Simulation: from now, serve the pace from one account at a time in routing's order (weekly
 *     reset soonest first, §7.2 tier 2), each window filling at its cost; windows reset on their
 *     schedule and blocks end at their time. The pool is dry at the first moment no account has
 *     capacity; capacity comes back at the next reset or block end after that moment.
 *
 * Error. Two sources, roughly additive in relative terms:
 *  - cost resolution: upstream reports percent to about a point (headers carry two decimals, the
 *    usage probe whole numbers), so a cost observed over Δ points is off by up to ±0.5/Δ;
 *  - pace noise: N requests in the lookback give a Poisson error of about 1/√N.
 *  `relativeError` reports their sum for the accounts that served; it does not cover a change of
 *  pace (a team starting its day), which no extrapolation can see. Requests also vary in size: the
 *  cost is an average over the lookback, so a shift towards longer prompts shortens the real time.
 */

export interface SimWindow {
  usedPercent: number;
  /** Epoch ms; null when unknown (then the window never resets in the simulation). */
  resetAt: number | null;
  lengthMs: number;
  /** Percent per request; null: unknown. */
  cost: number | null;
}

export interface SimAccount {
  id: string;
  /** May serve at all (enabled, signed in, no plan/account block, allowed for the model). */
  usable: boolean;
  /** A quota block in force until then (epoch ms), beyond what the windows say. */
  blockedUntil?: number;
  windows: SimWindow[];
}

export interface SimResult {
  requestsLeft: number | null;
  exhaustedNow: boolean;
  dryAt: number | null;
  capacityBackAt: number | null;
  capacityBackAccountId: string | null;
  basis: 'ok' | 'no_pace' | 'no_cost';
  accounts: Map<string, { requestsLeft: number | null; dryAt: number | null; nextResetAt: number | null }>;
}

const MAX_STEPS = 20_000;
const FULL = 100;

/** Runs the simulation described above. `requestsPerMs` is the pace; `horizonMs` bounds the look ahead. */
export function simulatePool(
  input: readonly SimAccount[],
  requestsPerMs: number,
  now: number,
  horizonMs: number,
): SimResult {
  const accounts = input.filter((a) => a.usable).map(cloneAccount);
  fillMissingCosts(accounts);
  const perAccount: SimResult['accounts'] = new Map();
  for (const a of input) perAccount.set(a.id, { requestsLeft: 0, dryAt: null, nextResetAt: nextChange(a, now) });
  for (const a of accounts) {
    const note = perAccount.get(a.id);
    if (note) note.requestsLeft = capacityAt(a, now);
  }
  const lefts = accounts.map((a) => capacityAt(a, now));
  const requestsLeft = lefts.some((l) => l === null) ? null : lefts.reduce<number>((s, l) => s + (l ?? 0), 0);
  const exhaustedNow = !accounts.some((a) => (capacityAt(a, now) ?? 1) > 0);
  const base = { requestsLeft, exhaustedNow, accounts: perAccount };
  if (exhaustedNow) return { ...base, dryAt: now, ...capacityBack(accounts, now), basis: 'ok' };
  if (requestsPerMs <= 0)
    return { ...base, dryAt: null, capacityBackAt: null, capacityBackAccountId: null, basis: 'no_pace' };
  if (requestsLeft === null)
    return { ...base, dryAt: null, capacityBackAt: null, capacityBackAccountId: null, basis: 'no_cost' };
  const run = drain(accounts, requestsPerMs, now, now + horizonMs, perAccount);
  return { ...base, ...run, basis: 'ok' };
}

function drain(
  accounts: SimAccount[],
  rate: number,
  now: number,
  end: number,
  perAccount: SimResult['accounts'],
): Pick<SimResult, 'dryAt' | 'capacityBackAt' | 'capacityBackAccountId'> {
  let t = now;
  for (let step = 0; step < MAX_STEPS && t < end; step++) {
    for (const a of accounts) rollTo(a, t);
    const serving = accounts
      .filter((a) => (capacityAt(a, t) ?? 0) > 0)
      .sort((x, y) => weeklyReset(x) - weeklyReset(y) || (x.id < y.id ? -1 : 1));
    const active = serving[0];
    if (!active) return { dryAt: t, ...capacityBack(accounts, t) };
    const left = capacityAt(active, t) ?? 0;
    const exhaustAt = t + left / rate;
    const next = Math.min(exhaustAt, ...accounts.map((a) => nextChange(a, t) ?? Infinity), end);
    consume(active, (next - t) * rate);
    if (next >= exhaustAt) {
      const note = perAccount.get(active.id);
      if (note && note.dryAt === null) note.dryAt = exhaustAt;
    }
    t = next;
  }
  return { dryAt: null, capacityBackAt: null, capacityBackAccountId: null };
}

/** Requests the account can serve now: the window that fills first decides. Null when a moving window has no cost. */
function capacityAt(account: SimAccount, t: number): number | null {
  if (!account.usable) return 0;
  if (account.blockedUntil !== undefined && account.blockedUntil > t) return 0;
  let left = Infinity;
  for (const w of account.windows) {
    const used = w.resetAt !== null && w.resetAt <= t ? 0 : w.usedPercent;
    if (used >= FULL) return 0;
    if (w.cost === null) return null;
    if (w.cost > 0) left = Math.min(left, (FULL - used) / w.cost);
  }
  return left === Infinity ? null : left;
}

function consume(account: SimAccount, requests: number): void {
  for (const w of account.windows) {
    if (w.cost !== null) w.usedPercent = Math.min(FULL, w.usedPercent + requests * w.cost);
  }
  // Floating point: the binding window of a drained account is exactly full.
  for (const w of account.windows) if (w.cost && FULL - w.usedPercent < w.cost * 1e-6) w.usedPercent = FULL;
}

/** Windows whose reset passed start over (projected forward by whole lengths); ended blocks lift. */
function rollTo(account: SimAccount, t: number): void {
  for (const w of account.windows) {
    if (w.resetAt === null || w.resetAt > t) continue;
    const periods = w.lengthMs > 0 ? Math.floor((t - w.resetAt) / w.lengthMs) + 1 : 1;
    w.usedPercent = 0;
    w.resetAt = w.lengthMs > 0 ? w.resetAt + periods * w.lengthMs : null;
  }
  if (account.blockedUntil !== undefined && account.blockedUntil <= t) delete account.blockedUntil;
}

/** The next moment the account's capacity changes by itself: a reset or the end of a block. */
function nextChange(account: SimAccount, t: number): number | null {
  let next = Infinity;
  if (account.blockedUntil !== undefined && account.blockedUntil > t) next = account.blockedUntil;
  for (const w of account.windows) if (w.resetAt !== null && w.resetAt > t) next = Math.min(next, w.resetAt);
  return next === Infinity ? null : next;
}

/** Once dry at `t`: the earliest moment some account can serve again, and whose it is. */
function capacityBack(accounts: SimAccount[], t: number): Pick<SimResult, 'capacityBackAt' | 'capacityBackAccountId'> {
  let best: { at: number; id: string } | undefined;
  for (const a of accounts) {
    const probe = cloneAccount(a);
    // Step through this account's own resets until it has room (a 5 h reset may not help a spent week).
    let at = t;
    for (let i = 0; i < 64; i++) {
      const next = nextChange(probe, at);
      if (next === null) break;
      at = next;
      rollTo(probe, at);
      if ((capacityAt(probe, at) ?? 1) > 0) {
        if (!best || at < best.at) best = { at, id: a.id };
        break;
      }
    }
  }
  return { capacityBackAt: best?.at ?? null, capacityBackAccountId: best?.id ?? null };
}

function weeklyReset(account: SimAccount): number {
  const weekly = account.windows.find((w) => w.lengthMs >= 604_800_000);
  return weekly?.resetAt ?? Infinity;
}

/** An account with no observed cost borrows the median of the others for a window of the same length. */
function fillMissingCosts(accounts: SimAccount[]): void {
  const byLength = new Map<number, number[]>();
  for (const a of accounts) {
    for (const w of a.windows)
      if (w.cost !== null) byLength.set(w.lengthMs, [...(byLength.get(w.lengthMs) ?? []), w.cost]);
  }
  for (const a of accounts) {
    for (const w of a.windows) {
      const known = byLength.get(w.lengthMs);
      if (w.cost === null && known && known.length > 0) w.cost = median(known);
    }
  }
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[mid] ?? 0) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
}

function cloneAccount(account: SimAccount): SimAccount {
  return { ...account, windows: account.windows.map((w) => ({ ...w })) };
}
