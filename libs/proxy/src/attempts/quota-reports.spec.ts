import type { AccountsService } from '@mcp/accounts';
import type { SseEvent } from '@mcp/codex';
import type { UsageSnapshot } from '@mcp/contracts';
import { QuotaReports } from './quota-reports';

/** Just what QuotaReports reads and writes: each recordUsage stores a new usage object, as AccountsService does. */
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

describe('QuotaReports (x-codex-* headers, PROTOCOL §4.3)', () => {
  it('reads repeated headers of one account once a second, and every change at once', () => {
    const { accounts, recorded } = fakeAccounts();
    const usage = new QuotaReports(accounts);
    usage.absorbHeaders('acc_a', headers('10'), 1_000);
    usage.absorbHeaders('acc_a', headers('10'), 1_400);
    expect(recorded).toHaveLength(1);
    usage.absorbHeaders('acc_a', headers('11'), 1_500); // a new count
    usage.absorbHeaders('acc_a', headers('11', '3599'), 1_600); // a new reset time
    expect(recorded.map((s) => s.fiveHour?.usedPercent)).toEqual([10, 11, 11]);
    usage.absorbHeaders('acc_a', headers('11', '3599'), 2_600); // a second later: read again
    expect(recorded).toHaveLength(4);
    expect(recorded[3]?.fetchedAt).toBe(2_600);
  });

  it('reads again when anything else changed the usage since, and keeps accounts apart', () => {
    const { accounts, recorded, replaceUsage } = fakeAccounts();
    const usage = new QuotaReports(accounts);
    usage.absorbHeaders('acc_a', headers('10'), 1_000);
    replaceUsage(); // e.g. a probe or a codex.rate_limits event
    usage.absorbHeaders('acc_a', headers('10'), 1_100);
    usage.absorbHeaders('acc_b', headers('10'), 1_100);
    expect(recorded).toHaveLength(3);
  });

  it('reads headers and rate-limit events of one response apart, each skipped only when it repeats itself', () => {
    const { accounts, recorded } = fakeAccounts();
    const usage = new QuotaReports(accounts);
    const event = (used: number): SseEvent => {
      const data = {
        type: 'codex.rate_limits',
        rate_limits: { primary: { used_percent: used, window_minutes: 300, resets_in_seconds: 3600 } },
      };
      return { type: 'codex.rate_limits', data, raw: JSON.stringify(data) };
    };
    for (const at of [1_000, 1_100, 1_200]) {
      usage.absorbHeaders('acc_a', headers('10'), at);
      usage.absorbEvent('acc_a', event(12), at);
    }
    expect(recorded.map((s) => [s.source, s.fiveHour?.usedPercent])).toEqual([
      ['headers', 10],
      ['stream', 12],
    ]);
    usage.absorbEvent('acc_a', event(13), 1_300);
    expect(recorded.at(-1)?.fiveHour?.usedPercent).toBe(13);
  });

  it('records nothing for a response without x-codex headers', () => {
    const { accounts, recorded } = fakeAccounts();
    new QuotaReports(accounts).absorbHeaders('acc_a', { 'content-type': 'text/event-stream' }, 1_000);
    expect(recorded).toEqual([]);
  });
});
