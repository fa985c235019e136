import type { AccountRecord, QuotaWindow, WindowConfig, WindowName } from './types';

export const FIVE_HOUR_SECONDS = 18000;
export const WEEKLY_SECONDS = 604800;

export function newWindow(windowSeconds: number, cfg: WindowConfig, now: number, defaultPercent: number): QuotaWindow {
  return {
    usedPercent: clampPercent(cfg.usedPercent ?? 0),
    limitPercentPerRequest: cfg.limitPercentPerRequest ?? defaultPercent,
    windowSeconds,
    resetAt: now + windowSeconds * 1000,
  };
}

function clampPercent(p: number): number {
  return Math.min(100, Math.max(0, p));
}

function windowsOf(account: AccountRecord): [WindowName, QuotaWindow][] {
  const out: [WindowName, QuotaWindow][] = [];
  if (account.windows.fiveHour) out.push(['fiveHour', account.windows.fiveHour]);
  if (account.windows.weekly) out.push(['weekly', account.windows.weekly]);
  return out;
}

/** A window whose reset time has passed starts over, as the real quota does. */
export function rollWindows(account: AccountRecord, now: number): void {
  for (const [, w] of windowsOf(account)) {
    if (now >= w.resetAt) {
      w.usedPercent = 0;
      w.resetAt = now + w.windowSeconds * 1000;
    }
  }
}

export function resetWindows(account: AccountRecord, now: number): void {
  for (const [, w] of windowsOf(account)) {
    w.usedPercent = 0;
    w.resetAt = now + w.windowSeconds * 1000;
  }
}

export function setUsage(account: AccountRecord, usage: { fiveHour?: number; weekly?: number }): void {
  if (usage.fiveHour !== undefined && account.windows.fiveHour) {
    account.windows.fiveHour.usedPercent = clampPercent(usage.fiveHour);
  }
  if (usage.weekly !== undefined && account.windows.weekly) {
    account.windows.weekly.usedPercent = clampPercent(usage.weekly);
  }
}

/** The exhausted window with the latest reset (the one that actually blocks), if any. */
export function exhaustedWindow(account: AccountRecord): [WindowName, QuotaWindow] | undefined {
  let found: [WindowName, QuotaWindow] | undefined;
  for (const entry of windowsOf(account)) {
    if (entry[1].usedPercent >= 100 && (!found || entry[1].resetAt > found[1].resetAt)) found = entry;
  }
  return found;
}

export function consume(account: AccountRecord): void {
  for (const [, w] of windowsOf(account)) w.usedPercent = clampPercent(w.usedPercent + w.limitPercentPerRequest);
}

/** Primary is the 5 h window when present; a weekly-only plan reports its week as primary. */
function primaryAndSecondary(account: AccountRecord): [QuotaWindow | undefined, QuotaWindow | undefined] {
  const { fiveHour, weekly } = account.windows;
  return fiveHour ? [fiveHour, weekly] : [weekly, undefined];
}

/** `x-codex-*` headers (PROTOCOL §4.3). `forceFull` reports that window at 100 % (quota fault). */
export function codexHeaders(account: AccountRecord, now: number, forceFull?: WindowName): Record<string, string> {
  const [primary, secondary] = primaryAndSecondary(account);
  const full = forceFull ? account.windows[forceFull] : undefined;
  const headers: Record<string, string> = {
    'x-codex-plan-type': account.plan,
    'x-codex-active-limit': 'codex',
    'x-codex-credits-has-credits': 'False',
    'x-codex-credits-unlimited': 'False',
    'x-codex-credits-balance': '0',
  };
  const put = (slot: string, w: QuotaWindow | undefined): void => {
    if (!w) {
      headers[`x-codex-${slot}-used-percent`] = '0';
      headers[`x-codex-${slot}-window-minutes`] = '0';
      return;
    }
    const used = w === full ? 100 : w.usedPercent;
    headers[`x-codex-${slot}-used-percent`] = String(round2(used));
    headers[`x-codex-${slot}-window-minutes`] = String(w.windowSeconds / 60);
    headers[`x-codex-${slot}-reset-at`] = String(Math.floor(w.resetAt / 1000));
    headers[`x-codex-${slot}-reset-after-seconds`] = String(resetAfter(w, now));
  };
  put('primary', primary);
  put('secondary', secondary);
  if (primary && secondary) {
    headers['x-codex-primary-over-secondary-limit-percent'] = String(
      round2(primary.usedPercent - secondary.usedPercent),
    );
  }
  return headers;
}

function round2(n: number): number {
  return Math.round(n * 100) / 100;
}

function resetAfter(w: QuotaWindow, now: number): number {
  return Math.max(0, Math.ceil((w.resetAt - now) / 1000));
}

function whamWindow(w: QuotaWindow | undefined, now: number): Record<string, number> | null {
  if (!w) return null;
  return {
    used_percent: round2(w.usedPercent),
    limit_window_seconds: w.windowSeconds,
    reset_after_seconds: resetAfter(w, now),
    reset_at: Math.floor(w.resetAt / 1000),
  };
}

/** `GET /backend-api/wham/usage` body (PROTOCOL §6). */
export function whamUsageBody(account: AccountRecord, now: number): Record<string, unknown> {
  const [primary, secondary] = primaryAndSecondary(account);
  const limitReached = exhaustedWindow(account) !== undefined;
  return {
    plan_type: account.plan,
    rate_limit: {
      allowed: !limitReached,
      limit_reached: limitReached,
      primary_window: whamWindow(primary, now),
      secondary_window: whamWindow(secondary, now),
    },
    credits: { has_credits: false, unlimited: false, balance: '0' },
  };
}

/** `codex.rate_limits` stream event payload (without type/sequence_number). */
export function rateLimitsEvent(account: AccountRecord): Record<string, unknown> {
  const [primary, secondary] = primaryAndSecondary(account);
  const slot = (w: QuotaWindow | undefined): Record<string, number> | null =>
    w
      ? {
          used_percent: round2(w.usedPercent),
          window_minutes: w.windowSeconds / 60,
          reset_at: Math.floor(w.resetAt / 1000),
        }
      : null;
  return {
    plan_type: account.plan,
    rate_limits: { primary: slot(primary), secondary: slot(secondary) },
    credits: { has_credits: false, unlimited: false, balance: '0' },
  };
}

/** 429 body the real backend sends when a window is exhausted (PROTOCOL §4.1). */
export function usageLimitBody(account: AccountRecord, window: QuotaWindow | undefined, now: number): unknown {
  const resetAt = window?.resetAt ?? now + 3600_000;
  return {
    error: {
      type: 'usage_limit_reached',
      message: 'The usage limit has been reached',
      plan_type: account.plan,
      resets_at: Math.floor(resetAt / 1000),
      resets_in_seconds: Math.max(0, Math.ceil((resetAt - now) / 1000)),
      eligible_promo: null,
    },
  };
}
