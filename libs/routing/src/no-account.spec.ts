import { FAKE_CLOCK_START } from '@mcp/testing';
import {
  explainNoAccount,
  formatDuration,
  NoAccountAvailableError,
  noAccountMessage,
  soonestReset,
} from './no-account';
import { account, DAY, fiveHour, HOUR, usage, weekly } from '../test/routing-fixtures';

const NOW = FAKE_CLOCK_START;
const MODEL = 'gpt-5.3-codex';
const quotaBlock = (until: number) => ({
  blockedUntil: until,
  blockKind: 'quota' as const,
  blockReason: 'usage_limit_reached',
});

describe('soonestReset (PROTOCOL §12.2)', () => {
  it('takes, per account, the later of its block end and its spent window reset, then the earliest account', () => {
    const accounts = [
      // Block ends in 1 h but the weekly window stays spent for 2 days: ready in 2 days.
      account('a', { state: quotaBlock(NOW + HOUR), usage: usage(NOW, { weekly: weekly(100, NOW + 2 * DAY) }) }),
      // Block outlasts the window: ready when the block ends.
      account('b', {
        state: quotaBlock(NOW + 5 * HOUR),
        usage: usage(NOW, { fiveHour: fiveHour(100, NOW + 3 * HOUR) }),
      }),
      account('c', { state: { modelBlocks: { [MODEL]: { until: NOW + 9 * HOUR, kind: 'rate_limit', reason: '' } } } }),
    ];
    expect(soonestReset(accounts, MODEL, NOW)).toBe(NOW + 5 * HOUR);
  });

  it('is undefined when no account says when it refills', () => {
    expect(
      soonestReset([account('a', { usage: usage(NOW, { weekly: weekly(100, null) }) })], MODEL, NOW),
    ).toBeUndefined();
  });
});

describe('explainNoAccount (PROTOCOL §7.5, §12.2)', () => {
  it('says no_accounts when none is configured or enabled', () => {
    expect(explainNoAccount([], MODEL, NOW, null).reason).toBe('no_accounts');
    expect(explainNoAccount([account('a', { enabled: false })], MODEL, NOW, null).reason).toBe('no_accounts');
  });

  it('says needs_reauth when every enabled account needs a new login', () => {
    const result = explainNoAccount(
      [
        account('a', { state: { needsReauth: true } }),
        account('b', { state: { needsReauth: true } }),
        account('c', { enabled: false }),
      ],
      MODEL,
      NOW,
      null,
    );
    expect(result).toEqual({ reason: 'needs_reauth', model: MODEL, accountCount: 2 });
  });

  it('says model_unavailable when no account may serve the model', () => {
    const ineligible = account('a', {
      state: { modelBlocks: { [MODEL]: { until: NOW + HOUR, kind: 'ineligible', reason: '' } } },
    });
    expect(explainNoAccount([ineligible, account('b')], MODEL, NOW, ['c']).reason).toBe('model_unavailable');
  });

  it('says exhausted, with the soonest reset, when every servable account is quota or rate-limit blocked', () => {
    const accounts = [
      account('a', { state: quotaBlock(NOW + 2 * HOUR) }),
      account('b', { state: { blockedUntil: NOW + HOUR, blockKind: 'rate_limit' } }),
      account('c', { usage: usage(NOW, { fiveHour: fiveHour(100, NOW + 3 * HOUR) }) }),
      account('d', { state: { needsReauth: true } }),
    ];
    expect(explainNoAccount(accounts, MODEL, NOW, null)).toEqual({
      reason: 'exhausted',
      model: MODEL,
      accountCount: 3,
      soonestResetAt: NOW + HOUR,
      waitableAt: NOW + HOUR,
    });
  });

  it('says transient (503, never 429) when an account failed transiently in this request', () => {
    const accounts = [
      account('a', { state: quotaBlock(NOW + 2 * HOUR) }),
      account('b', { state: { modelBlocks: { [MODEL]: { until: NOW + 15_000, kind: 'transient', reason: '502' } } } }),
    ];
    expect(explainNoAccount(accounts, MODEL, NOW, null, new Set(['b']))).toEqual({
      reason: 'transient',
      model: MODEL,
      accountCount: 2,
      soonestResetAt: NOW + 15_000,
      waitableAt: NOW + 2 * HOUR,
    });
  });

  it('says exhausted (429) when the account tried in this request answered with a short rate limit', () => {
    const accounts = [
      account('a', { state: quotaBlock(NOW + 2 * HOUR) }),
      account('b', { state: { blockedUntil: NOW + 2_000, blockKind: 'rate_limit', blockReason: 'try again in 2s' } }),
    ];
    expect(explainNoAccount(accounts, MODEL, NOW, null, new Set(['b']))).toMatchObject({
      reason: 'exhausted',
      accountCount: 2,
      soonestResetAt: NOW + 2_000,
      waitableAt: NOW + 2 * HOUR,
    });
  });

  it('counts an account already tried and not blocked as transient', () => {
    expect(explainNoAccount([account('a')], MODEL, NOW, null, new Set(['a'])).reason).toBe('transient');
  });
});

describe('NoAccountAvailableError', () => {
  it('reads like the spec example for exhausted accounts, with Retry-After seconds', () => {
    const now = Date.UTC(2026, 0, 1, 9, 46, 0);
    const error = new NoAccountAvailableError(
      { reason: 'exhausted', model: MODEL, accountCount: 3, soonestResetAt: Date.UTC(2026, 0, 1, 12, 0, 0) },
      now,
    );
    expect(error.message).toBe(
      "All 3 accounts are at their usage limit for model 'gpt-5.3-codex'. The soonest reset is at 2026-01-01T12:00:00Z (in 2h 14m).",
    );
    expect(error.retryAfterSeconds).toBe(2 * 3600 + 14 * 60);
    expect(error).toMatchObject({ reason: 'exhausted', accountCount: 3, model: MODEL });
  });

  it('words the single-account and unknown-reset cases naturally', () => {
    expect(noAccountMessage({ reason: 'exhausted', model: 'm', accountCount: 1 }, NOW)).toBe(
      "The only account is at its usage limit for model 'm'.",
    );
    expect(noAccountMessage({ reason: 'model_unavailable', model: 'gpt-9', accountCount: 2 }, NOW)).toBe(
      "The model 'gpt-9' is not available to any configured account.",
    );
  });

  it('never asks a client to wait less than a second', () => {
    expect(
      new NoAccountAvailableError({ reason: 'transient', model: 'm', accountCount: 1, soonestResetAt: NOW + 10 }, NOW)
        .retryAfterSeconds,
    ).toBe(1);
  });
});

describe('formatDuration', () => {
  it.each([
    [45_000, '45s'],
    [14 * 60_000 + 59_000, '14m'],
    [2 * HOUR + 14 * 60_000, '2h 14m'],
    [3 * DAY + 4 * HOUR, '3d 4h'],
  ])('%d ms → %s', (ms, text) => expect(formatDuration(ms)).toBe(text));
});
