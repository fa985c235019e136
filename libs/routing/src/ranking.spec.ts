import { FAKE_CLOCK_START } from '@mcp/testing';
import { rankCandidates } from './ranking';
import type { RoutingAccount } from './routing-account';
import { account, DAY, fiveHour, HOUR, usage, weekly } from '../test/routing-fixtures';

const NOW = FAKE_CLOCK_START;
const fresh = (extra: { fiveHour?: number; weekly?: number }) =>
  usage(NOW, {
    ...(extra.fiveHour === undefined ? {} : { fiveHour: fiveHour(extra.fiveHour, NOW + 2 * HOUR) }),
    ...(extra.weekly === undefined ? {} : { weekly: weekly(extra.weekly, NOW + 3 * DAY) }),
  });

interface OrderingCase {
  name: string;
  accounts: RoutingAccount[];
  order: string[];
  tiers?: (1 | 2 | 3)[];
}

const cases: OrderingCase[] = [
  {
    name: 'an account untouched on both windows beats one with any use',
    accounts: [
      account('a-used', { usage: fresh({ fiveHour: 1, weekly: 0 }) }),
      account('b-untouched', { usage: fresh({ fiveHour: 0, weekly: 0 }), priority: 5 }),
    ],
    order: ['b-untouched', 'a-used'],
    tiers: [1, 2],
  },
  {
    name: 'untouched accounts go by priority (lower first), then least recently selected, then id',
    accounts: [
      account('c', { usage: fresh({ fiveHour: 0, weekly: 0 }), state: { lastSelectedAt: NOW - 10 } }),
      account('b', { usage: fresh({ fiveHour: 0, weekly: 0 }), state: { lastSelectedAt: NOW - 1000 } }),
      account('z', { usage: fresh({ fiveHour: 0, weekly: 0 }), priority: -1, state: { lastSelectedAt: NOW } }),
      account('a', { usage: fresh({ fiveHour: 0, weekly: 0 }), state: { lastSelectedAt: NOW - 10 } }),
      account('never', { usage: fresh({ fiveHour: 0, weekly: 0 }) }),
    ],
    order: ['z', 'never', 'b', 'a', 'c'],
    tiers: [1, 1, 1, 1, 1],
  },
  {
    name: 'touched accounts go by the nearest weekly reset, whatever their priority',
    accounts: [
      account('late', {
        usage: usage(NOW, { fiveHour: fiveHour(5, NOW + HOUR), weekly: weekly(10, NOW + 5 * DAY) }),
        priority: -5,
      }),
      account('soon', {
        usage: usage(NOW, { fiveHour: fiveHour(90, NOW + HOUR), weekly: weekly(95, NOW + DAY) }),
        priority: 3,
      }),
    ],
    order: ['soon', 'late'],
    tiers: [2, 2],
  },
  {
    name: 'weekly resets within the same second tie, and the tie goes to priority then id',
    accounts: [
      account('b', { usage: usage(NOW, { weekly: weekly(50, NOW + DAY + 900) }), priority: 1 }),
      account('c', { usage: usage(NOW, { weekly: weekly(50, NOW + DAY + 100) }), priority: 0 }),
      account('a', { usage: usage(NOW, { weekly: weekly(50, NOW + DAY + 500) }), priority: 0 }),
      account('d', { usage: usage(NOW, { weekly: weekly(50, NOW + DAY + 1000) }), priority: -9 }),
    ],
    order: ['a', 'c', 'b', 'd'],
  },
  {
    name: 'accounts without a snapshot or a weekly window come last, by priority then id',
    accounts: [
      account('no-usage-b'),
      account('five-hour-only-used', { usage: usage(NOW, { fiveHour: fiveHour(40, NOW + HOUR) }), priority: -1 }),
      account('weekly', { usage: fresh({ fiveHour: 20, weekly: 70 }), priority: 9 }),
      account('no-usage-a'),
    ],
    order: ['weekly', 'five-hour-only-used', 'no-usage-a', 'no-usage-b'],
    tiers: [2, 3, 3, 3],
  },
  {
    name: 'one-window accounts: untouched on the one window they have counts as untouched',
    accounts: [
      account('weekly-only-used', { usage: usage(NOW, { weekly: weekly(30, NOW + DAY) }) }),
      account('weekly-only-untouched', { usage: usage(NOW, { weekly: weekly(0, NOW + 6 * DAY) }), priority: 2 }),
      account('five-hour-only-untouched', { usage: usage(NOW, { fiveHour: fiveHour(0, NOW + HOUR) }), priority: 1 }),
    ],
    order: ['five-hour-only-untouched', 'weekly-only-untouched', 'weekly-only-used'],
    tiers: [1, 1, 2],
  },
  {
    name: 'a snapshot with no windows at all is treated like a missing snapshot',
    accounts: [
      account('empty', { usage: usage(NOW, {}) }),
      account('weekly', { usage: usage(NOW, { weekly: weekly(99, NOW + DAY) }) }),
    ],
    order: ['weekly', 'empty'],
    tiers: [2, 3],
  },
  {
    name: 'a window whose reset has passed has refilled and counts as untouched',
    accounts: [
      account('stale', {
        usage: usage(NOW - 6 * HOUR, { fiveHour: fiveHour(80, NOW - HOUR), weekly: weekly(0, NOW + DAY) }),
      }),
      account('busy', { usage: fresh({ fiveHour: 10, weekly: 10 }), priority: -3 }),
    ],
    order: ['stale', 'busy'],
    tiers: [1, 2],
  },
];

describe('rankCandidates (PROTOCOL §7.2)', () => {
  it.each(cases)('$name', ({ accounts, order, tiers }) => {
    const ranked = rankCandidates(accounts, NOW);
    expect(ranked.map((c) => c.accountId)).toEqual(order);
    if (tiers) expect(ranked.map((c) => c.tier)).toEqual(tiers);
  });

  it('explains each placement with the tier keys', () => {
    const ranked = rankCandidates(
      [
        account('t1', { usage: fresh({ fiveHour: 0, weekly: 0 }), priority: 2 }),
        account('t2', {
          usage: usage(NOW, { fiveHour: fiveHour(12, NOW + HOUR), weekly: weekly(40, Date.UTC(2025, 0, 17)) }),
        }),
        account('t3'),
      ],
      NOW,
    );
    expect(ranked.map((c) => c.reason)).toEqual([
      'untouched (5h 0%, weekly 0%); priority 2; never selected',
      'weekly resets 2025-01-17T00:00:00Z (5h 12%, weekly 40%); priority 0',
      'no usage snapshot; priority 0',
    ]);
  });

  it('explains an account anew whenever what its reason says has changed', () => {
    const reasonOf = (a: RoutingAccount, now = NOW): string | undefined => rankCandidates([a], now)[0]?.reason;
    const untouched = fresh({ fiveHour: 0, weekly: 0 });
    expect(reasonOf(account('r', { usage: untouched }))).toBe(
      'untouched (5h 0%, weekly 0%); priority 0; never selected',
    );
    // Selected since (a second later), another priority, new usage, then its 5-hour window refilling.
    const selected = account('r', { usage: untouched, state: { lastSelectedAt: NOW + 1000 } });
    expect(reasonOf(selected)).toBe(
      `untouched (5h 0%, weekly 0%); priority 0; last selected ${new Date(NOW + 1000).toISOString().slice(0, -5)}Z`,
    );
    expect(reasonOf(account('r', { usage: untouched, priority: 3 }))).toMatch(/; priority 3; never selected$/);
    const used = usage(NOW, { fiveHour: fiveHour(30, NOW + HOUR), weekly: weekly(5, NOW + DAY) });
    const reset = `${new Date(NOW + DAY).toISOString().slice(0, -5)}Z`;
    expect(reasonOf(account('r', { usage: used }))).toBe(`weekly resets ${reset} (5h 30%, weekly 5%); priority 0`);
    expect(reasonOf(account('r', { usage: used }), NOW + HOUR)).toBe(
      `weekly resets ${reset} (5h 0%, weekly 5%); priority 0`,
    );
  });

  it('does not reorder or modify its input', () => {
    const input = [account('b'), account('a')];
    rankCandidates(input, NOW);
    expect(input.map((a) => a.id)).toEqual(['b', 'a']);
  });
});
