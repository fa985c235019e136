interface AffinityEntry {
  accountId: string;
  at: number;
}

export const DEFAULT_AFFINITY_ENTRIES = 10_000;

/**
 * Session key → the account that last served it (PROTOCOL.md §7.3), in memory only. Entries
 * expire `ttlMs` after their last success (0 disables affinity) and the map keeps at most
 * `maxEntries`, dropping the least recently used: a Map iterates in insertion order, so
 * re-inserting on use keeps the oldest entry first.
 */
export class SessionAffinity {
  private readonly entries = new Map<string, AffinityEntry>();

  constructor(
    private readonly ttlMs: number,
    private readonly maxEntries = DEFAULT_AFFINITY_ENTRIES,
  ) {}

  get enabled(): boolean {
    return this.ttlMs > 0;
  }

  get size(): number {
    return this.entries.size;
  }

  /** The account that served `sessionKey` within the TTL, if any. */
  lookup(sessionKey: string | undefined, now: number): string | undefined {
    if (!this.enabled || !sessionKey) return undefined;
    const entry = this.entries.get(sessionKey);
    if (!entry) return undefined;
    if (now - entry.at >= this.ttlMs) {
      this.entries.delete(sessionKey);
      return undefined;
    }
    this.entries.delete(sessionKey);
    this.entries.set(sessionKey, entry);
    return entry.accountId;
  }

  remember(sessionKey: string | undefined, accountId: string, now: number): void {
    if (!this.enabled || !sessionKey) return;
    this.entries.delete(sessionKey);
    this.entries.set(sessionKey, { accountId, at: now });
    while (this.entries.size > this.maxEntries) {
      const oldest = this.entries.keys().next();
      if (oldest.done) break;
      this.entries.delete(oldest.value);
    }
  }

  /** Drops every session of an account (e.g. once it is deleted). */
  forgetAccount(accountId: string): void {
    for (const [key, entry] of this.entries) {
      if (entry.accountId === accountId) this.entries.delete(key);
    }
  }
}
