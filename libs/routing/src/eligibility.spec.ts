import { FAKE_CLOCK_START } from '@mcp/testing';
import { eligibility, type Eligibility, type SkipCode } from './eligibility';
import type { RoutingAccount } from './routing-account';
import { account, DAY, fiveHour, HOUR, usage, weekly } from '../test/routing-fixtures';

const NOW = FAKE_CLOCK_START;
const MODEL = 'gpt-5.3-codex';

interface EligibilityCase {
  name: string;
  account: RoutingAccount;
  modelAccounts?: string[] | null;
  excluded?: string[];
  code: SkipCode | 'ok';
  until?: number;
}

const cases: EligibilityCase[] = [
  { name: 'a plain enabled account is a candidate', account: account('a'), code: 'ok' },
  { name: 'a disabled account is not', account: account('a', { enabled: false }), code: 'disabled' },
  {
    name: 'an account needing re-login is not',
    account: account('a', { state: { needsReauth: true } }),
    code: 'needs_reauth',
  },
  {
    name: 'an account blocked until later is not',
    account: account('a', { state: { blockedUntil: NOW + 1, blockKind: 'quota', blockReason: 'usage_limit_reached' } }),
    code: 'blocked',
    until: NOW + 1,
  },
  {
    name: 'a block whose time has come lifts itself',
    account: account('a', { state: { blockedUntil: NOW, blockKind: 'quota' } }),
    code: 'ok',
  },
  {
    name: 'a transient cooldown on this model only demotes the account (§7.4 revised)',
    account: account('a', {
      state: { modelBlocks: { [MODEL]: { until: NOW + HOUR, kind: 'transient', reason: '502' } } },
    }),
    code: 'ok',
  },
  {
    name: 'a quota block of a per-model family skips the account for this model',
    account: account('a', {
      state: { modelBlocks: { [MODEL]: { until: NOW + HOUR, kind: 'quota', reason: 'premium limit' } } },
    }),
    code: 'model_blocked',
    until: NOW + HOUR,
  },
  {
    name: 'a short rate limit only demotes the account',
    account: account('a', { state: { blockedUntil: NOW + 60_000, blockKind: 'rate_limit' } }),
    code: 'ok',
  },
  {
    name: 'a long rate limit blocks it',
    account: account('a', { state: { blockedUntil: NOW + HOUR, blockKind: 'rate_limit' } }),
    code: 'blocked',
    until: NOW + HOUR,
  },
  {
    name: 'a cooling account that already failed in this request is skipped',
    account: account('a', {
      state: { modelBlocks: { [MODEL]: { until: NOW + 15_000, kind: 'transient', reason: '502' } } },
    }),
    excluded: ['a'],
    code: 'excluded',
    until: NOW + 15_000,
  },
  {
    name: 'a cooldown on another model does not',
    account: account('a', {
      state: { modelBlocks: { 'gpt-5-codex': { until: NOW + HOUR, kind: 'ineligible', reason: '' } } },
    }),
    code: 'ok',
  },
  {
    name: 'a spent window blocks until its reset',
    account: account('a', {
      usage: usage(NOW, { fiveHour: fiveHour(100, NOW + HOUR), weekly: weekly(60, NOW + DAY) }),
    }),
    code: 'window_exhausted',
    until: NOW + HOUR,
  },
  {
    name: 'two spent windows block until the later reset',
    account: account('a', {
      usage: usage(NOW, { fiveHour: fiveHour(100, NOW + HOUR), weekly: weekly(100, NOW + DAY) }),
    }),
    code: 'window_exhausted',
    until: NOW + DAY,
  },
  {
    name: 'a spent window whose reset has passed no longer counts',
    account: account('a', { usage: usage(NOW - 6 * HOUR, { fiveHour: fiveHour(100, NOW - 1) }) }),
    code: 'ok',
  },
  {
    name: 'limitReached with no window at 100 % uses the latest known reset',
    account: account('a', {
      usage: usage(NOW, { fiveHour: fiveHour(97, NOW + HOUR), weekly: weekly(80, NOW + 2 * DAY), limitReached: true }),
    }),
    code: 'window_exhausted',
    until: NOW + 2 * DAY,
  },
  {
    name: 'an account the catalogue does not list for the model is not a candidate',
    account: account('a'),
    modelAccounts: ['b'],
    code: 'not_in_catalogue',
  },
  {
    name: 'a catalogue listing the account lets it through',
    account: account('a'),
    modelAccounts: ['a', 'b'],
    code: 'ok',
  },
  { name: 'an account tried earlier in this request is not', account: account('a'), excluded: ['a'], code: 'excluded' },
];

function codeOf(result: Eligibility): SkipCode | 'ok' {
  return result.ok ? 'ok' : result.code;
}

describe('eligibility (PROTOCOL §7.1)', () => {
  it.each(cases)('$name', (c) => {
    const result = eligibility(c.account, MODEL, NOW, c.modelAccounts ?? null, new Set(c.excluded ?? []));
    expect(codeOf(result)).toBe(c.code);
    if (c.until !== undefined && !result.ok) expect(result.until).toBe(c.until);
  });

  it('asks the caller to record a quota block for a spent window, with a readable reason', () => {
    const result = eligibility(
      account('a', { usage: usage(NOW, { fiveHour: fiveHour(100, Date.UTC(2025, 0, 15, 14)) }) }),
      MODEL,
      NOW,
      null,
    );
    expect(result).toMatchObject({
      ok: false,
      record: {
        until: Date.UTC(2025, 0, 15, 14),
        kind: 'quota',
        reason: '5h window at 100% until 2025-01-15T14:00:00Z',
      },
    });
  });

  it('skips a spent window with an unknown reset without inventing a block', () => {
    const result = eligibility(account('a', { usage: usage(NOW, { weekly: weekly(100, null) }) }), MODEL, NOW, null);
    expect(result).toMatchObject({
      ok: false,
      code: 'window_exhausted',
      reason: 'weekly window at 100% (reset time unknown)',
    });
    expect(result.ok === false && result.record).toBeFalsy();
  });

  it('reports "never for this model" before "not right now", so the error can say 404 rather than 429', () => {
    const both = account('a', {
      state: {
        blockedUntil: NOW + HOUR,
        blockKind: 'quota',
        modelBlocks: { [MODEL]: { until: NOW + HOUR, kind: 'ineligible', reason: 'not in plan' } },
      },
    });
    expect(eligibility(both, MODEL, NOW, null)).toMatchObject({ code: 'model_blocked', blockKind: 'ineligible' });
    expect(eligibility(both, 'other', NOW, null)).toMatchObject({ code: 'blocked', blockKind: 'quota' });
  });
});
