import type { UsageSnapshot } from '@mcp/contracts';
import { mergeUsage, parseCodexHeaders, parseRateLimitsEvent, parseWhamUsage } from './usage';
import { RATE_LIMITS_EVENT } from './__fixtures__/responses-streams';

const NOW = 1_767_000_000_000;

const WHAM = {
  plan_type: 'plus',
  rate_limit: {
    allowed: true,
    limit_reached: false,
    primary_window: { used_percent: 12, limit_window_seconds: 18000, reset_after_seconds: 9000, reset_at: 1767200000 },
    secondary_window: {
      used_percent: 40,
      limit_window_seconds: 604800,
      reset_after_seconds: 300000,
      reset_at: 1767500000,
    },
  },
  credits: { has_credits: false, unlimited: false, balance: '0' },
};

describe('parseWhamUsage', () => {
  it('reads the documented probe reply (§6)', () => {
    expect(parseWhamUsage(WHAM, NOW)).toEqual({
      fiveHour: { usedPercent: 12, resetAt: 1767200000000, windowSeconds: 18000 },
      weekly: { usedPercent: 40, resetAt: 1767500000000, windowSeconds: 604800 },
      planType: 'plus',
      allowed: true,
      limitReached: false,
      credits: { hasCredits: false, unlimited: false, balance: '0' },
      fetchedAt: NOW,
      source: 'probe',
      raw: WHAM,
    });
  });

  it('identifies windows by length, not position: a weekly-only account sends its week as primary', () => {
    const body = {
      plan_type: 'free',
      rate_limit: {
        primary_window: { used_percent: 100, limit_window_seconds: 604800, reset_at: 1767500000 },
        secondary_window: null,
      },
    };
    const snapshot = parseWhamUsage(body, NOW);
    expect(snapshot?.weekly).toEqual({ usedPercent: 100, resetAt: 1767500000000, windowSeconds: 604800 });
    expect(snapshot?.fiveHour).toBeUndefined();
  });

  it('puts other window lengths in otherWindows, clamps percentages and falls back to reset_after_seconds', () => {
    const body = {
      rate_limit: {
        primary_window: { used_percent: 140, limit_window_seconds: 86400, reset_after_seconds: 60 },
        secondary_window: { used_percent: -3, limit_window_seconds: 18000 },
      },
    };
    const snapshot = parseWhamUsage(body, NOW);
    expect(snapshot?.otherWindows).toEqual([{ usedPercent: 100, resetAt: NOW + 60_000, windowSeconds: 86400 }]);
    expect(snapshot?.fiveHour).toEqual({ usedPercent: 0, resetAt: null, windowSeconds: 18000 });
  });

  it('accepts null rate_limit and credits, and keeps newer payload fields in raw', () => {
    const body = { plan_type: 'team', rate_limit: null, credits: null, additional_rate_limits: [{ x: 1 }] };
    expect(parseWhamUsage(body, NOW)).toEqual({ planType: 'team', fetchedAt: NOW, source: 'probe', raw: body });
  });

  it('is undefined for bodies with no quota information', () => {
    expect(parseWhamUsage('nope', NOW)).toBeUndefined();
    expect(parseWhamUsage({}, NOW)).toBeUndefined();
  });
});

describe('parseCodexHeaders', () => {
  it('reads both windows by their minutes, plan, active limit and credits (§4.3)', () => {
    const headers = {
      'X-Codex-Primary-Used-Percent': '25.5',
      'x-codex-primary-window-minutes': '300',
      'x-codex-primary-reset-at': '1767200000',
      'x-codex-secondary-used-percent': '60',
      'x-codex-secondary-window-minutes': '10080',
      'x-codex-secondary-reset-after-seconds': '3600',
      'x-codex-plan-type': 'pro',
      'x-codex-active-limit': 'codex',
      'x-codex-credits-has-credits': 'True',
      'x-codex-credits-unlimited': '0',
      'x-codex-credits-balance': '12.5',
    };
    expect(parseCodexHeaders(headers, NOW)).toEqual({
      fiveHour: { usedPercent: 25.5, resetAt: 1767200000000, windowSeconds: 18000 },
      weekly: { usedPercent: 60, resetAt: NOW + 3_600_000, windowSeconds: 604800 },
      planType: 'pro',
      activeLimit: 'codex',
      credits: { hasCredits: true, unlimited: false, balance: '12.5' },
      fetchedAt: NOW,
      source: 'headers',
    });
  });

  it('treats window-minutes 0 or empty as no such window (weekly-only account)', () => {
    const headers = new Headers({
      'x-codex-primary-used-percent': '100',
      'x-codex-primary-window-minutes': '10080',
      'x-codex-primary-reset-at': '',
      'x-codex-secondary-used-percent': '0',
      'x-codex-secondary-window-minutes': '0',
    });
    const snapshot = parseCodexHeaders(headers, NOW);
    expect(snapshot?.weekly).toEqual({ usedPercent: 100, resetAt: null, windowSeconds: 604800 });
    expect(snapshot?.fiveHour).toBeUndefined();
    expect(snapshot?.otherWindows).toBeUndefined();
  });

  it('is undefined when the response has no x-codex data', () => {
    expect(parseCodexHeaders({ 'content-type': 'text/event-stream', 'x-codex-plan-type': '' }, NOW)).toBeUndefined();
    expect(parseCodexHeaders(undefined, NOW)).toBeUndefined();
  });
});

describe('parseRateLimitsEvent', () => {
  it('reads a codex.rate_limits event by window minutes', () => {
    expect(parseRateLimitsEvent(RATE_LIMITS_EVENT, NOW)).toEqual({
      fiveHour: { usedPercent: 12.5, resetAt: 1767210000000, windowSeconds: 18000 },
      weekly: { usedPercent: 40, resetAt: 1767700000000, windowSeconds: 604800 },
      planType: 'plus',
      credits: { hasCredits: false, unlimited: false, balance: '0' },
      fetchedAt: NOW,
      source: 'stream',
    });
  });

  it('accepts the parser wrapper and the resets_in_seconds spelling', () => {
    const data = {
      type: 'codex.rate_limits',
      rate_limits: { primary: { used_percent: 5, window_minutes: 300, resets_in_seconds: 10 } },
    };
    expect(parseRateLimitsEvent({ type: 'codex.rate_limits', data }, NOW)?.fiveHour).toEqual({
      usedPercent: 5,
      resetAt: NOW + 10_000,
      windowSeconds: 18000,
    });
  });

  it('is undefined for an event without usable data', () => {
    expect(parseRateLimitsEvent({ type: 'codex.rate_limits', rate_limits: null }, NOW)).toBeUndefined();
    expect(parseRateLimitsEvent(null, NOW)).toBeUndefined();
  });
});

describe('mergeUsage', () => {
  const probe: UsageSnapshot = {
    fiveHour: { usedPercent: 10, resetAt: NOW + 1000, windowSeconds: 18000 },
    weekly: { usedPercent: 50, resetAt: NOW + 100_000, windowSeconds: 604800 },
    planType: 'plus',
    allowed: true,
    limitReached: false,
    fetchedAt: NOW,
    source: 'probe',
    raw: { probe: true },
  };

  it('replaces the windows the newer snapshot carries and keeps the others', () => {
    const next: UsageSnapshot = {
      fiveHour: { usedPercent: 30, resetAt: NOW + 900, windowSeconds: 18000 },
      fetchedAt: NOW + 10,
      source: 'headers',
    };
    expect(mergeUsage(probe, next)).toEqual({
      ...probe,
      fiveHour: next.fiveHour,
      fetchedAt: NOW + 10,
      source: 'headers',
    });
  });

  it('drops a kept window whose reset time has passed', () => {
    const next: UsageSnapshot = {
      weekly: { usedPercent: 55, resetAt: NOW + 100_000, windowSeconds: 604800 },
      fetchedAt: NOW + 5000,
      source: 'stream',
    };
    const merged = mergeUsage(probe, next);
    expect(merged.fiveHour).toBeUndefined();
    expect(merged.weekly?.usedPercent).toBe(55);
  });

  it('clears a stale limitReached when newer windows all show headroom, but never a plan refusal', () => {
    const blocked: UsageSnapshot = { ...probe, limitReached: true, allowed: false };
    const next: UsageSnapshot = {
      fiveHour: { usedPercent: 5, resetAt: NOW + 900, windowSeconds: 18000 },
      fetchedAt: NOW + 10,
      source: 'headers',
    };
    const merged = mergeUsage(blocked, next);
    expect(merged.limitReached).toBe(false);
    expect(merged.allowed).toBe(false);
    const exhausted = mergeUsage(blocked, { ...next, fiveHour: { ...next.fiveHour!, usedPercent: 100 } });
    expect(exhausted.limitReached).toBe(true);
  });

  it('returns the newer snapshot when there is no previous one', () => {
    expect(mergeUsage(undefined, probe)).toBe(probe);
  });
});
