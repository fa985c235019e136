import type { AccountView } from '@mcp/contracts';
import { accountView } from '../../testing/builders';
import { activeBlocks, canUnblock, parsePriority, sortAccounts, upsertAccount } from './account-rules';

const NOW = 1_800_000_000_000;

function account(id: string, priority: number, patch: Partial<AccountView> = {}): AccountView {
  return accountView(id, { priority, ...patch });
}

describe('account rules', () => {
  it('lists accounts in the order the router prefers them: lower priority first', () => {
    const sorted = sortAccounts([account('c', 2), account('b', 0), account('a', 0)]);
    expect(sorted.map((a) => a.id)).toEqual(['a', 'b', 'c']);
  });

  it('accepts only whole numbers as a priority', () => {
    expect(parsePriority(' 3 ')).toBe(3);
    expect(parsePriority('-1')).toBe(-1);
    expect(parsePriority('1.5')).toBeNull();
    expect(parsePriority('')).toBeNull();
    expect(parsePriority('abc')).toBeNull();
  });

  it('lists active account-wide and per-model blocks, not expired ones', () => {
    const blocked = account('a', 0, {
      status: 'blocked',
      state: {
        blockedUntil: NOW + 1000,
        blockKind: 'quota',
        blockReason: 'usage limit reached',
        modelBlocks: {
          'gpt-5.3-codex': { until: NOW + 500, kind: 'transient', reason: 'upstream 503' },
          'gpt-5-codex': { until: NOW - 1, kind: 'ineligible', reason: 'old' },
        },
        needsReauth: false,
        recentErrors: [],
      },
    });
    expect(activeBlocks(blocked, NOW)).toEqual([
      { model: null, until: NOW + 1000, reason: 'usage limit reached', effect: 'blocked' },
      { model: 'gpt-5.3-codex', until: NOW + 500, reason: 'upstream 503', effect: 'cooling' },
    ]);
    expect(canUnblock(blocked, NOW)).toBe(true);
    expect(canUnblock(account('b', 0), NOW)).toBe(false);
    const quarantined = account('q', 0, {
      state: {
        modelBlocks: {
          m: { until: NOW + 60_000, kind: 'quarantine', reason: 'quarantined after 4 transient failures' },
        },
        needsReauth: false,
        recentErrors: [],
      },
    });
    expect(activeBlocks(quarantined, NOW).map((b) => b.effect)).toEqual(['quarantined']);
  });

  it('replaces an updated account in place and appends a new one', () => {
    const list = [account('a', 0), account('b', 1)];
    expect(upsertAccount(list, account('b', 5)).map((a) => a.priority)).toEqual([0, 5]);
    expect(upsertAccount(list, account('c', 0)).map((a) => a.id)).toEqual(['a', 'b', 'c']);
  });
});
