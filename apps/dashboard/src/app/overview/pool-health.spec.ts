import type { AccountView } from '@mcp/contracts';
import { HOUR, accountView as account, exhaustedAccount } from '../../testing/builders';
import { accountHealth, accountReadyAt, poolHealth, soonestCapacity } from './pool-health';

const NOW = Date.UTC(2026, 0, 1, 12, 0, 0);

function exhausted(id: string, resetAt: number | null, weeklyUsed = 40): AccountView {
  const base = exhaustedAccount(id, resetAt, NOW);
  return { ...base, usage: { ...base.usage!, weekly: { ...base.usage!.weekly!, usedPercent: weeklyUsed } } };
}

describe('pool health', () => {
  it('counts usable, blocked, logged-out and disabled accounts', () => {
    const accounts = [
      account('a'),
      account('b', { status: 'blocked' }, { blockedUntil: NOW + HOUR, blockKind: 'rate_limit' }),
      account('c', { status: 'needs_reauth' }, { needsReauth: true }),
      account('d', { enabled: false, status: 'disabled' }),
      exhausted('e', NOW + 2 * HOUR),
    ];
    expect(poolHealth(accounts, NOW)).toEqual({ total: 5, usable: 1, blocked: 2, needsReauth: 1, disabled: 1 });
  });

  it('treats an exhausted window as blocked even before the server marks it', () => {
    const stale = { ...exhausted('x', NOW + HOUR), status: 'available' as const };
    expect(accountHealth(stale, NOW)).toBe('blocked');
  });

  it('treats an expired block as usable again', () => {
    expect(accountHealth(account('a', {}, { blockedUntil: NOW - 1 }), NOW)).toBe('usable');
  });
});

describe('soonest capacity', () => {
  it('is now while any account can serve', () => {
    expect(soonestCapacity([account('a'), exhausted('b', NOW + HOUR)], NOW)).toEqual({ state: 'now', usable: 1 });
  });

  it('is the earliest moment an exhausted account comes back', () => {
    const accounts = [
      exhausted('late', NOW + 3 * HOUR),
      exhausted('soon', NOW + HOUR),
      account('gone', { status: 'needs_reauth' }, { needsReauth: true }),
    ];
    expect(soonestCapacity(accounts, NOW)).toEqual({ state: 'later', at: NOW + HOUR, accountId: 'soon' });
  });

  it('takes the later of a block end and a window reset for one account', () => {
    const both = {
      ...exhausted('a', NOW + HOUR),
      state: { modelBlocks: {}, needsReauth: false, recentErrors: [], blockedUntil: NOW + 2 * HOUR },
    };
    expect(accountReadyAt(both, NOW)).toBe(NOW + 2 * HOUR);
    const weeklyToo = exhausted('b', NOW + HOUR, 100);
    expect(accountReadyAt(weeklyToo, NOW)).toBe(NOW + 72 * HOUR);
  });

  it('uses the latest known reset when the limit is reached with no window at 100%', () => {
    const capped = account('a', {
      status: 'blocked',
      usage: {
        limitReached: true,
        fiveHour: { usedPercent: 80, resetAt: NOW + HOUR, windowSeconds: 18_000 },
        weekly: { usedPercent: 99, resetAt: NOW + 5 * HOUR, windowSeconds: 604_800 },
        fetchedAt: NOW,
        source: 'headers',
      },
    });
    expect(accountReadyAt(capped, NOW)).toBe(NOW + 5 * HOUR);
  });

  it('ignores disabled and logged-out accounts, and is unknown without a reset time', () => {
    expect(soonestCapacity([account('d', { enabled: false, status: 'disabled' })], NOW)).toEqual({ state: 'unknown' });
    expect(soonestCapacity([exhausted('a', null)], NOW)).toEqual({ state: 'unknown' });
    expect(soonestCapacity([], NOW)).toEqual({ state: 'empty' });
  });
});
