import type { UsageSnapshot, UsageWindow } from '@mcp/contracts';
import { currentWindow } from '@mcp/routing';

/**
 * `GET /backend-api/wham/usage` for the pool as one client sees it (PROTOCOL.md §6, §13.4). Codex CLI decodes the
 * upstream shape strictly (codex-backend-openapi-models): `plan_type` from a fixed set, `allowed` and
 * `limit_reached` booleans, and every window field an integer (`used_percent`, `limit_window_seconds`,
 * `reset_after_seconds`, `reset_at`). Unknown top-level fields such as our `pool` are ignored by it.
 */
export interface WhamWindow {
  used_percent: number;
  limit_window_seconds: number;
  reset_after_seconds: number;
  reset_at: number;
}

export interface PoolWindowSummary {
  /** Accounts that may serve and report this window. */
  accounts: number;
  /** Capacity left across them, in percent of one account's window (250 = two and a half windows' worth). */
  capacity_left_percent: number;
  /** The soonest reset among them (epoch s), or null. */
  next_reset_at: number | null;
}

/** Our extension: the whole pool, without account ids or emails. */
export interface PoolExtension {
  accounts: number;
  available_accounts: number;
  five_hour: PoolWindowSummary | null;
  weekly: PoolWindowSummary | null;
  /** When the pool runs dry at the current pace (epoch s); null when not within the forecast's horizon or unknown. */
  dry_at: number | null;
  /** When an exhausted pool can serve again (epoch s), or null. */
  available_again_at: number | null;
}

export interface WhamUsage {
  plan_type: string;
  rate_limit: {
    allowed: boolean;
    limit_reached: boolean;
    primary_window: WhamWindow | null;
    secondary_window: WhamWindow | null;
  };
  credits: { has_credits: boolean; unlimited: boolean; balance: string | null } | null;
  pool: PoolExtension;
}

/** The plan names the Codex CLI accepts (an unknown one would make it reject the whole payload). */
const CODEX_PLAN_TYPES = new Set([
  'guest',
  'free',
  'go',
  'plus',
  'pro',
  'free_workspace',
  'team',
  'business',
  'education',
  'quorum',
  'k12',
  'enterprise',
  'edu',
]);
/** When the shown account's plan is unknown or newer than the set above. */
const DEFAULT_PLAN_TYPE = 'plus';

export function codexPlanType(plan: string | undefined): string {
  const lower = plan?.toLowerCase();
  return lower && CODEX_PLAN_TYPES.has(lower) ? lower : DEFAULT_PLAN_TYPE;
}

/** One window in the upstream shape, aged to `now` (a passed reset reads as a fresh window). */
export function whamWindow(window: UsageWindow, now: number): WhamWindow {
  const current = currentWindow(window, now);
  const nowSeconds = Math.floor(now / 1000);
  const resetAt = current.resetAt === null ? nowSeconds + current.windowSeconds : Math.ceil(current.resetAt / 1000);
  return {
    used_percent: Math.round(Math.min(100, Math.max(0, current.usedPercent))),
    limit_window_seconds: Math.round(current.windowSeconds),
    reset_after_seconds: Math.max(0, resetAt - nowSeconds),
    reset_at: resetAt,
  };
}

/** §6: a weekly-only account reports its 7-day window as the primary one, with no secondary. */
export function whamWindows(
  usage: UsageSnapshot | undefined,
  now: number,
): { primary_window: WhamWindow | null; secondary_window: WhamWindow | null } {
  const windows = [usage?.fiveHour, usage?.weekly].filter((w): w is UsageWindow => w !== undefined);
  const [first, second] = windows.map((w) => whamWindow(w, now));
  return { primary_window: first ?? null, secondary_window: second ?? null };
}

export function whamCredits(usage: UsageSnapshot | undefined): WhamUsage['credits'] {
  const credits = usage?.credits;
  if (!credits) return null;
  return { has_credits: credits.hasCredits, unlimited: credits.unlimited, balance: credits.balance };
}

/** An account's part of the pool summary: its usage, and whether it may serve at all right now. */
export interface PoolMember {
  usage: UsageSnapshot | undefined;
  canServe: boolean;
}

/** Capacity left in one window across the accounts that may serve; an account that may not counts as 0 % left. */
export function summarizeWindow(
  members: readonly PoolMember[],
  pick: (usage: UsageSnapshot) => UsageWindow | undefined,
  now: number,
): PoolWindowSummary | null {
  let accounts = 0;
  let left = 0;
  let nextReset: number | null = null;
  for (const member of members) {
    const window = member.usage ? pick(member.usage) : undefined;
    if (!window) continue;
    const shown = whamWindow(window, now);
    accounts += 1;
    if (member.canServe) left += 100 - shown.used_percent;
    nextReset = nextReset === null ? shown.reset_at : Math.min(nextReset, shown.reset_at);
  }
  if (accounts === 0) return null;
  return { accounts, capacity_left_percent: Math.round(left), next_reset_at: nextReset };
}

/**
 * The account part of the view as the `x-codex-*` headers the backend sends on every answer (§4.3), which Codex
 * turns into the quota its `/status` shows when no usage endpoint is asked. Windows by minutes, never position.
 */
export function codexRateLimitHeaders(usage: Omit<WhamUsage, 'pool'>): Record<string, string> {
  const headers: Record<string, string> = { 'x-codex-plan-type': usage.plan_type, 'x-codex-active-limit': 'codex' };
  const windows = { primary: usage.rate_limit.primary_window, secondary: usage.rate_limit.secondary_window };
  for (const [position, window] of Object.entries(windows)) {
    if (!window) continue;
    headers[`x-codex-${position}-used-percent`] = String(window.used_percent);
    headers[`x-codex-${position}-window-minutes`] = String(Math.round(window.limit_window_seconds / 60));
    headers[`x-codex-${position}-reset-at`] = String(window.reset_at);
    headers[`x-codex-${position}-reset-after-seconds`] = String(window.reset_after_seconds);
  }
  if (usage.credits) {
    headers['x-codex-credits-has-credits'] = String(usage.credits.has_credits);
    headers['x-codex-credits-unlimited'] = String(usage.credits.unlimited);
    if (usage.credits.balance !== null) headers['x-codex-credits-balance'] = usage.credits.balance;
  }
  return headers;
}
