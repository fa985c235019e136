import { parseCodexHeaders } from '@mcp/codex';
import type { AccountState, UsageSnapshot } from '@mcp/contracts';
import { emptyState, nextUsage, reconcileBlocks } from '@mcp/accounts';

const NOW = Date.UTC(2025, 0, 15, 12);
const HOUR = 3_600_000;

function snapshot(parts: Partial<UsageSnapshot>, source: UsageSnapshot['source'] = 'headers'): UsageSnapshot {
  return { fetchedAt: NOW, source, ...parts };
}

function stateBlockedUntil(until: number, kind: AccountState['blockKind'] = 'quota'): AccountState {
  return { ...emptyState(), blockedUntil: until, blockKind: kind, blockReason: 'test' };
}

describe('passive usage updates', () => {
  it('reads a weekly-only account from x-codex-* headers by window length', () => {
    const headers = {
      'x-codex-primary-used-percent': '42',
      'x-codex-primary-window-minutes': '10080',
      'x-codex-primary-reset-at': String(Math.floor((NOW + 48 * HOUR) / 1000)),
      'x-codex-secondary-used-percent': '0',
      'x-codex-secondary-window-minutes': '0',
    };
    const usage = nextUsage(undefined, parseCodexHeaders(headers, NOW) as UsageSnapshot);
    expect(usage.weekly).toEqual({ usedPercent: 42, windowSeconds: 604_800, resetAt: NOW + 48 * HOUR });
    expect(usage.fiveHour).toBeUndefined();
  });

  it('keeps the windows a header update does not mention, but a probe replaces the whole picture', () => {
    const before = snapshot(
      {
        fiveHour: { usedPercent: 10, resetAt: NOW + HOUR, windowSeconds: 18_000 },
        weekly: { usedPercent: 50, resetAt: NOW + 24 * HOUR, windowSeconds: 604_800 },
      },
      'probe',
    );
    const headerUpdate = snapshot({ fiveHour: { usedPercent: 20, resetAt: NOW + HOUR, windowSeconds: 18_000 } });
    expect(nextUsage(before, headerUpdate).weekly?.usedPercent).toBe(50);
    const probe = snapshot({ fiveHour: { usedPercent: 20, resetAt: NOW + HOUR, windowSeconds: 18_000 } }, 'probe');
    expect(nextUsage(before, probe).weekly).toBeUndefined();
  });
});

describe('reconcileBlocks', () => {
  const exhausted = snapshot({ fiveHour: { usedPercent: 100, resetAt: NOW + HOUR, windowSeconds: 18_000 } });

  it('does not lift a quota block while the window is still the exhausted one', () => {
    const state = stateBlockedUntil(NOW + HOUR);
    reconcileBlocks(
      state,
      exhausted,
      snapshot({ fiveHour: { usedPercent: 99, resetAt: NOW + HOUR, windowSeconds: 18_000 } }),
      NOW,
    );
    expect(state.blockKind).toBe('quota');
  });

  it('lifts it when that window comes back under 100 % with a later reset', () => {
    const state = stateBlockedUntil(NOW + HOUR);
    reconcileBlocks(
      state,
      exhausted,
      snapshot({ fiveHour: { usedPercent: 3, resetAt: NOW + 6 * HOUR, windowSeconds: 18_000 } }),
      NOW,
    );
    expect(state.blockKind).toBeUndefined();
  });

  it('does not lift a block that came without window data (e.g. a bare 429) on a header update', () => {
    const state = stateBlockedUntil(NOW + HOUR / 2);
    reconcileBlocks(
      state,
      undefined,
      snapshot({ fiveHour: { usedPercent: 40, resetAt: NOW + 3 * HOUR, windowSeconds: 18_000 } }),
      NOW,
    );
    expect(state.blockKind).toBe('quota');
  });

  it('lifts a plan block only on allowed:true', () => {
    const state = stateBlockedUntil(NOW + 10 * HOUR, 'plan');
    reconcileBlocks(state, undefined, snapshot({ allowed: false }, 'probe'), NOW);
    expect(state.blockKind).toBe('plan');
    reconcileBlocks(state, undefined, snapshot({ allowed: true }, 'probe'), NOW);
    expect(state.blockKind).toBeUndefined();
  });

  it('blocks until the latest reset when limitReached is set without a full window', () => {
    const state = emptyState();
    const usage = snapshot({
      limitReached: true,
      fiveHour: { usedPercent: 97, resetAt: NOW + HOUR, windowSeconds: 18_000 },
      weekly: { usedPercent: 99, resetAt: NOW + 30 * HOUR, windowSeconds: 604_800 },
    });
    reconcileBlocks(state, undefined, usage, NOW);
    expect(state).toMatchObject({
      blockKind: 'quota',
      blockedUntil: NOW + 30 * HOUR,
      blockReason: 'usage limit reached',
    });
  });

  it('never shortens a longer block that is already in place', () => {
    const state = stateBlockedUntil(NOW + 50 * HOUR, 'plan');
    reconcileBlocks(state, undefined, exhausted, NOW);
    expect(state).toMatchObject({ blockKind: 'plan', blockedUntil: NOW + 50 * HOUR });
  });
});
