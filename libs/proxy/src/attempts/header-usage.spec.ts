import type { AccountsService } from '@mcp/accounts';
import type { UsageSnapshot } from '@mcp/contracts';
import { HeaderUsage } from './header-usage';

/** Just what HeaderUsage reads and writes: each recordUsage stores a new usage object, as AccountsService does. */
function fakeAccounts(): { accounts: AccountsService; recorded: UsageSnapshot[]; replaceUsage(): void } {
  let usage: UsageSnapshot | undefined;
  const recorded: UsageSnapshot[] = [];
  const accounts = {
    snapshotOf: () => ({ usage }),
    recordUsage: (_id: string, snapshot: UsageSnapshot) => {
      recorded.push(snapshot);
      usage = { ...snapshot };
    },
  } as unknown as AccountsService;
  return { accounts, recorded, replaceUsage: () => (usage = { ...(usage as UsageSnapshot) }) };
}

const headers = (used: string, resetAfter = '3600') => ({
  'content-type': 'text/event-stream',
  'x-codex-primary-used-percent': used,
  'x-codex-primary-window-minutes': '300',
  'x-codex-primary-reset-after-seconds': resetAfter,
});

describe('HeaderUsage (x-codex-* headers, PROTOCOL §4.3)', () => {
  it('reads repeated headers of one account once a second, and every change at once', () => {
    const { accounts, recorded } = fakeAccounts();
    const usage = new HeaderUsage(accounts);
    usage.absorb('acc_a', headers('10'), 1_000);
    usage.absorb('acc_a', headers('10'), 1_400);
    expect(recorded).toHaveLength(1);
    usage.absorb('acc_a', headers('11'), 1_500); // a new count
    usage.absorb('acc_a', headers('11', '3599'), 1_600); // a new reset time
    expect(recorded.map((s) => s.fiveHour?.usedPercent)).toEqual([10, 11, 11]);
    usage.absorb('acc_a', headers('11', '3599'), 2_600); // a second later: read again
    expect(recorded).toHaveLength(4);
    expect(recorded[3]?.fetchedAt).toBe(2_600);
  });

  it('reads again when anything else changed the usage since, and keeps accounts apart', () => {
    const { accounts, recorded, replaceUsage } = fakeAccounts();
    const usage = new HeaderUsage(accounts);
    usage.absorb('acc_a', headers('10'), 1_000);
    replaceUsage(); // e.g. a probe or a codex.rate_limits event
    usage.absorb('acc_a', headers('10'), 1_100);
    usage.absorb('acc_b', headers('10'), 1_100);
    expect(recorded).toHaveLength(3);
  });

  it('records nothing for a response without x-codex headers', () => {
    const { accounts, recorded } = fakeAccounts();
    new HeaderUsage(accounts).absorb('acc_a', { 'content-type': 'text/event-stream' }, 1_000);
    expect(recorded).toEqual([]);
  });
});
