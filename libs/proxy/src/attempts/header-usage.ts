import type { IncomingHttpHeaders } from 'node:http';
import type { AccountsService } from '@mcp/accounts';
import { CODEX_HEADER_PREFIX, parseCodexHeaders } from '@mcp/codex';
import type { UsageSnapshot } from '@mcp/contracts';

/** Within this long, identical `x-codex-*` headers from one account are read once: their times are to the second. */
const REPEAT_WINDOW_MS = 1000;

interface Seen {
  /** The `x-codex-*` values as they came, joined. */
  key: string;
  at: number;
  /** The account's usage right after that reading: anything else having changed it since means read again. */
  usage: UsageSnapshot | undefined;
}

/**
 * Every upstream response's `x-codex-*` headers update its account's quota (PROTOCOL.md §4.3). Under load the same
 * account answers many times a second with the very same headers (reset times and counts are whole seconds), and
 * each reading rebuilt the snapshot and stored a new account version: now a response whose headers repeat the last
 * ones read for that account, within a second, with its usage untouched since, is passed over. What is lost is a
 * `fetchedAt` up to a second older.
 */
export class HeaderUsage {
  private readonly seen = new Map<string, Seen>();

  constructor(private readonly accounts: AccountsService) {}

  absorb(accountId: string, headers: IncomingHttpHeaders, now: number): void {
    const key = codexHeaderValues(headers);
    const seen = this.seen.get(accountId);
    const usage = this.accounts.snapshotOf(accountId)?.usage;
    if (seen && key !== '' && seen.key === key && now - seen.at < REPEAT_WINDOW_MS && seen.usage === usage) return;
    const snapshot = parseCodexHeaders(headers, now);
    if (snapshot) this.accounts.recordUsage(accountId, snapshot);
    this.seen.set(accountId, { key, at: now, usage: this.accounts.snapshotOf(accountId)?.usage });
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
