import type { UsageSnapshot } from '@mcp/contracts';
import { codexPlanType, codexRateLimitHeaders, summarizeWindow, whamWindow, whamWindows } from './pool-usage';

const NOW = 1_800_000_000_000;
const HOUR = 3_600_000;

function usage(parts: Partial<UsageSnapshot>): UsageSnapshot {
  return { fetchedAt: NOW, source: 'probe', ...parts };
}

describe('pooled usage in the upstream shape (PROTOCOL §6, §13.4)', () => {
  it('writes every window field as an integer, as Codex decodes them', () => {
    const window = whamWindow({ usedPercent: 37.6, resetAt: NOW + 2 * HOUR + 400, windowSeconds: 18000 }, NOW);
    expect(window).toEqual({
      used_percent: 38,
      limit_window_seconds: 18000,
      reset_after_seconds: 7201,
      reset_at: Math.ceil((NOW + 2 * HOUR + 400) / 1000),
    });
  });

  it('reads a window whose reset has passed as fresh, and one with no reset as a full window away', () => {
    const passed = whamWindow({ usedPercent: 90, resetAt: NOW - 1000, windowSeconds: 18000 }, NOW);
    expect(passed.used_percent).toBe(0);
    expect(passed.reset_at * 1000).toBeGreaterThan(NOW);
    const unknown = whamWindow({ usedPercent: 0, resetAt: null, windowSeconds: 604800 }, NOW);
    expect(unknown.reset_after_seconds).toBe(604800);
  });

  it('puts a weekly-only account’s window first, like the backend does', () => {
    const weeklyOnly = usage({ weekly: { usedPercent: 10, resetAt: NOW + HOUR, windowSeconds: 604800 } });
    const windows = whamWindows(weeklyOnly, NOW);
    expect(windows.primary_window?.limit_window_seconds).toBe(604800);
    expect(windows.secondary_window).toBeNull();
    expect(whamWindows(undefined, NOW)).toEqual({ primary_window: null, secondary_window: null });
  });

  it('maps plans Codex does not know to one it does', () => {
    expect(codexPlanType('pro')).toBe('pro');
    expect(codexPlanType('PLUS')).toBe('plus');
    expect(codexPlanType('prolite')).toBe('plus');
    expect(codexPlanType(undefined)).toBe('plus');
  });

  it('sums capacity left only over accounts that may serve', () => {
    const members = [
      { usage: usage({ fiveHour: { usedPercent: 40, resetAt: NOW + HOUR, windowSeconds: 18000 } }), canServe: true },
      {
        usage: usage({ fiveHour: { usedPercent: 100, resetAt: NOW + 2 * HOUR, windowSeconds: 18000 } }),
        canServe: false,
      },
      { usage: undefined, canServe: true },
    ];
    expect(summarizeWindow(members, (u) => u.fiveHour, NOW)).toEqual({
      accounts: 2,
      capacity_left_percent: 60,
      next_reset_at: Math.ceil((NOW + HOUR) / 1000),
    });
    expect(summarizeWindow(members, (u) => u.weekly, NOW)).toBeNull();
  });

  it('renders the same view as x-codex-* headers, windows named by minutes', () => {
    const headers = codexRateLimitHeaders({
      plan_type: 'pro',
      rate_limit: {
        allowed: true,
        limit_reached: false,
        primary_window: { used_percent: 12, limit_window_seconds: 18000, reset_after_seconds: 60, reset_at: 5 },
        secondary_window: null,
      },
      credits: { has_credits: true, unlimited: false, balance: '4.20' },
    });
    expect(headers).toEqual({
      'x-codex-plan-type': 'pro',
      'x-codex-active-limit': 'codex',
      'x-codex-primary-used-percent': '12',
      'x-codex-primary-window-minutes': '300',
      'x-codex-primary-reset-at': '5',
      'x-codex-primary-reset-after-seconds': '60',
      'x-codex-credits-has-credits': 'true',
      'x-codex-credits-unlimited': 'false',
      'x-codex-credits-balance': '4.20',
    });
  });
});
