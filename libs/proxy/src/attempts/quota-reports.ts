import type { IncomingHttpHeaders } from 'node:http';
import type { AccountsService } from '@mcp/accounts';
import { CODEX_HEADER_PREFIX, parseCodexHeaders, parseRateLimitsEvent, type SseEvent } from '@mcp/codex';
import type { UsageSnapshot } from '@mcp/contracts';

/** Within this long, identical quota reports from one account are read once: their times are to the second. */
const REPEAT_WINDOW_MS = 1000;

type Source = 'headers' | 'event';

interface Reading {
  /** The report as it came: the `x-codex-*` values joined, or the event's JSON text. */
  key: string;
  at: number;
}

interface Seen {
  readings: Partial<Record<Source, Reading>>;
  /** The account's usage right after our last reading: anything else having changed it since means read again. */
  usage: UsageSnapshot | undefined;
}

/**
 * Every upstream response reports its account's quota twice, in its `x-codex-*` headers and in a `codex.rate_limits`
 * event (PROTOCOL.md §4.3). Under load the same account answers many times a second with the very same reports
 * (reset times and counts are whole seconds), and each reading rebuilt the snapshot and stored a new account version.
 * Now a report that repeats the last one of its kind read for that account, within a second, with the account's
 * usage untouched by anything else since, is passed over. What is lost is a `fetchedAt` up to a second older.
 */
export class QuotaReports {
  private readonly seen = new Map<string, Seen>();

  constructor(private readonly accounts: AccountsService) {}

  absorbHeaders(accountId: string, headers: IncomingHttpHeaders, now: number): void {
    this.absorb(accountId, 'headers', codexHeaderValues(headers), now, () => parseCodexHeaders(headers, now));
  }

  absorbEvent(accountId: string, event: SseEvent, now: number): void {
    this.absorb(accountId, 'event', event.raw, now, () => parseRateLimitsEvent(event.data, now));
  }

  private absorb(accountId: string, source: Source, key: string, now: number, read: () => UsageSnapshot | undefined) {
    const seen = this.seen.get(accountId);
    const last = seen?.readings[source];
    const usage = this.accounts.snapshotOf(accountId)?.usage;
    const repeats = last !== undefined && key !== '' && last.key === key && now - last.at < REPEAT_WINDOW_MS;
    if (repeats && seen?.usage === usage) return;
    const snapshot = read();
    if (snapshot) this.accounts.recordUsage(accountId, snapshot);
    const readings = seen?.usage === usage ? { ...seen?.readings } : {};
    readings[source] = { key, at: now };
    this.seen.set(accountId, { readings, usage: this.accounts.snapshotOf(accountId)?.usage });
  }
}

function codexHeaderValues(headers: IncomingHttpHeaders): string {
  let key = '';
  for (const name in headers) {
    if (!name.startsWith(CODEX_HEADER_PREFIX)) continue;
    const value = headers[name];
    key += `${name}=${Array.isArray(value) ? value.join(',') : String(value)}\n`;
  }
  return key;
}
