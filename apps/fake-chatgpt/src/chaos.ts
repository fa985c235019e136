import { expireAccessTokens } from './accounts';
import type { EmulatorState } from './state';
import type { Fault, FaultRoute, WindowName } from './types';

/** Fault kinds the random mode draws from; each with a weight (0 leaves it out). */
export type ChaosKind =
  | 'http_500'
  | 'http_502'
  | 'overloaded_503'
  | 'overloaded_529'
  | 'failed_before_output'
  | 'drop_mid_stream'
  | 'slow'
  | 'quota_short'
  | 'rate_limit'
  | 'token_expired';

export interface ChaosOptions {
  /** Same seed, same sequence of draws (for a given order of requests). */
  seed: number;
  /** Share of inference requests that get a fault (0–1). */
  rate: number;
  weights?: Partial<Record<ChaosKind, number>>;
  /** `slow`: a wait before the answer of up to this many ms (default 800). */
  slowMaxMs?: number;
  /** `quota_short`: the window resets within this many seconds (default 4). */
  quotaResetMaxSec?: number;
  /** Accounts (emulator ids) that never get `quota_short`, e.g. the one whose quota really runs out. */
  spareQuota?: string[];
}

export interface ChaosStats {
  seed: number;
  draws: number;
  injected: Partial<Record<ChaosKind, number>>;
}

export const DEFAULT_CHAOS_WEIGHTS: Record<ChaosKind, number> = {
  http_500: 3,
  http_502: 1,
  overloaded_503: 2,
  overloaded_529: 2,
  failed_before_output: 2,
  drop_mid_stream: 2,
  slow: 3,
  quota_short: 1,
  rate_limit: 2,
  token_expired: 1,
};

const TOKEN_EXPIRED_BODY = {
  error: {
    message: 'Provided authentication token is expired. Please try signing in again.',
    type: 'invalid_request_error',
    code: 'token_expired',
    param: null,
  },
};

interface ChaosRun {
  options: ChaosOptions;
  weights: [ChaosKind, number][];
  total: number;
  next: () => number;
  stats: ChaosStats;
  /** Account → when its tokens last expired: a token just issued does not expire again at once. */
  expired: Map<string, number>;
}

/** Real tokens live an hour; two expiries of one account within this long would be an emulator artefact. */
const TOKEN_EXPIRY_GAP_MS = 5000;

/** Per emulator: the random fault mode, when on (kept beside the state, not in it). */
const runs = new WeakMap<EmulatorState, ChaosRun>();

/** Turns the seeded random fault mode on (options) or off (null); returns what it injected so far. */
export function setChaos(state: EmulatorState, options: ChaosOptions | null): ChaosStats | null {
  const previous = chaosStats(state);
  if (options === null) {
    runs.delete(state);
    return previous;
  }
  if (!Number.isFinite(options.seed)) throw new Error('chaos: seed must be a number');
  if (!(options.rate >= 0 && options.rate <= 1)) throw new Error('chaos: rate must be between 0 and 1');
  const merged = { ...DEFAULT_CHAOS_WEIGHTS, ...options.weights };
  const weights = (Object.entries(merged) as [ChaosKind, number][]).filter(([, w]) => w > 0);
  for (const [kind] of weights) {
    if (!(kind in DEFAULT_CHAOS_WEIGHTS)) throw new Error(`chaos: unknown kind ${kind}`);
  }
  const total = weights.reduce((sum, [, w]) => sum + w, 0);
  const stats: ChaosStats = { seed: options.seed, draws: 0, injected: {} };
  runs.set(state, { options, weights, total, next: mulberry32(options.seed), stats, expired: new Map() });
  return stats;
}

export function chaosStats(state: EmulatorState): ChaosStats | null {
  const run = runs.get(state);
  return run ? { ...run.stats, injected: { ...run.stats.injected } } : null;
}

/** A random fault for this inference request, or undefined (the common case, and always when chaos is off). */
export function drawChaos(state: EmulatorState, accountId: string, route: FaultRoute): Fault | undefined {
  const run = runs.get(state);
  if (!run || route !== 'responses' || run.total === 0) return undefined;
  run.stats.draws += 1;
  if (run.next() >= run.options.rate) return undefined;
  let pick = run.next() * run.total;
  let kind: ChaosKind = run.weights[0]![0];
  for (const [k, w] of run.weights) {
    kind = k;
    if ((pick -= w) < 0) break;
  }
  const fault = faultFor(kind, run, state, accountId);
  if (fault) run.stats.injected[kind] = (run.stats.injected[kind] ?? 0) + 1;
  return fault;
}

function faultFor(kind: ChaosKind, run: ChaosRun, state: EmulatorState, accountId: string): Fault | undefined {
  const { options, next } = run;
  switch (kind) {
    case 'http_500':
      return { kind: 'http', status: 500 };
    case 'http_502':
      return { kind: 'http', status: 502 };
    case 'overloaded_503':
      return { kind: 'http', status: 503 };
    case 'overloaded_529':
      return { kind: 'http', status: 529 };
    case 'failed_before_output':
      return { kind: 'stream_failed', code: 'server_is_overloaded' };
    case 'drop_mid_stream':
      return { kind: 'drop', afterDeltas: Math.floor(next() * 3) };
    case 'slow':
      return { kind: 'delay', ms: 50 + Math.floor(next() * ((options.slowMaxMs ?? 800) - 50)) };
    case 'rate_limit':
      return { kind: 'rate_limit', retryAfterSec: 1 };
    case 'token_expired': {
      // Every token of the account expires: concurrent requests all see 401 and the gateway must refresh once.
      const now = state.now();
      if (now - (run.expired.get(accountId) ?? -Infinity) < TOKEN_EXPIRY_GAP_MS) return undefined;
      run.expired.set(accountId, now);
      expireAccessTokens(state, accountId);
      return { kind: 'http', status: 401, body: TOKEN_EXPIRED_BODY };
    }
    case 'quota_short':
      return shortQuota(run, state, accountId);
  }
}

/** The account's window really is spent now, and resets within seconds (a `usage_limit_reached` with its reset). */
function shortQuota(run: ChaosRun, state: EmulatorState, accountId: string): Fault | undefined {
  if (run.options.spareQuota?.includes(accountId)) return undefined;
  const account = state.accounts.get(accountId);
  const name: WindowName | undefined = account?.windows.fiveHour
    ? 'fiveHour'
    : account?.windows.weekly
      ? 'weekly'
      : undefined;
  const window = name ? account?.windows[name] : undefined;
  if (!name || !window) return undefined;
  const seconds = 1 + Math.floor(run.next() * (run.options.quotaResetMaxSec ?? 4));
  window.usedPercent = 100;
  window.resetAt = state.now() + seconds * 1000;
  return { kind: 'quota', window: name };
}

function mulberry32(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}
