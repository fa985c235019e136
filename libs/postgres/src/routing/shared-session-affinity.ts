import { Injectable, Logger, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { hashSessionKey } from '@mcp/codex';
import { AppConfig, Clock } from '@mcp/config';
import { SessionAffinity } from '@mcp/routing';
import { type Change, ChangeFeed, notifyChange } from '../db/change-feed';
import { PgDatabase } from '../db/database';
import { OriginCursor } from '../db/origin-cursor';
import { SerialQueue } from '../db/serial-queue';

/** Successes are written in small batches: one round trip per burst, not per request. */
const WRITE_DELAY_MS = 25;

interface AffinityRow {
  session_hash: string;
  account_id: string;
  at: string;
  origin: string;
  seq: string;
}

/** The shared table's key: the one session-key hash (a trace's sessionKeyHash), never the key itself. */
function keyOf(sessionKey: string | undefined): string | undefined {
  return hashSessionKey(sessionKey) ?? undefined;
}

/**
 * Session affinity (PROTOCOL §7.3) shared by the fleet: a session stays on its account whichever
 * replica serves it. Lookups stay in memory (routing is synchronous); every success is also written
 * to `session_affinity` and other replicas pull it on the change notification. Only a hash of the
 * session key is stored or held. The leader's retention job deletes rows older than the TTL.
 */
@Injectable()
export class SharedSessionAffinity extends SessionAffinity implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger('Postgres');
  private readonly pending = new Map<string, { accountId: string; at: number }>();
  private readonly cursor = new OriginCursor();
  private readonly pulls = new SerialQueue();
  private readonly writes = new SerialQueue();
  private timer: NodeJS.Timeout | undefined;
  private readonly ttl: number;

  constructor(
    config: AppConfig,
    private readonly db: PgDatabase,
    private readonly feed: ChangeFeed,
    private readonly clock: Clock,
  ) {
    super(config.sessionAffinityTtlMs);
    this.ttl = config.sessionAffinityTtlMs;
  }

  async onModuleInit(): Promise<void> {
    if (!this.enabled) return;
    await this.feed.subscribe('affinity', {
      onChange: (change) => void this.pullFrom(change),
      onResync: () => void this.loadAll(),
    });
    await this.loadAll();
  }

  async onModuleDestroy(): Promise<void> {
    await this.flush();
  }

  override lookup(sessionKey: string | undefined, now: number): string | undefined {
    return super.lookup(keyOf(sessionKey), now);
  }

  override remember(sessionKey: string | undefined, accountId: string, now: number): void {
    const hash = keyOf(sessionKey);
    if (!this.enabled || !hash) return;
    super.remember(hash, accountId, now);
    this.pending.set(hash, { accountId, at: now });
    this.timer ??= setTimeout(() => {
      this.timer = undefined;
      this.flush().catch((error: unknown) => this.logger.warn(`Saving session affinity failed: ${String(error)}`));
    }, WRITE_DELAY_MS);
    this.timer.unref();
  }

  /** Writes the successes remembered so far. */
  flush(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    if (this.pending.size === 0) return this.writes.run(async () => undefined);
    const batch = [...this.pending];
    this.pending.clear();
    return this.writes.run(() =>
      this.db.transaction(async (client) => {
        await client.query(
          `INSERT INTO session_affinity (session_hash, account_id, at, origin)
           SELECT h, a, t, $4 FROM unnest($1::text[], $2::text[], $3::bigint[]) AS u(h, a, t)
           ON CONFLICT (session_hash) DO UPDATE
             SET account_id = EXCLUDED.account_id, at = EXCLUDED.at, origin = EXCLUDED.origin,
                 seq = nextval('session_affinity_seq')
             WHERE session_affinity.at <= EXCLUDED.at`,
          [batch.map(([hash]) => hash), batch.map(([, e]) => e.accountId), batch.map(([, e]) => e.at), this.db.origin],
        );
        await notifyChange(client, { topic: 'affinity', origin: this.db.origin });
      }),
    );
  }

  /** Every live session, at boot and after missed notifications. */
  private loadAll(): Promise<void> {
    return this.pulls.run(async () => {
      const since = this.clock.now() - this.ttl;
      const rows = await this.db.query<AffinityRow>(
        'SELECT session_hash, account_id, at, origin, seq FROM session_affinity WHERE at > $1 ORDER BY at',
        [since],
      );
      for (const row of rows) this.adopt(row);
    });
  }

  private pullFrom(change: Change): Promise<void> {
    return this.pulls
      .run(async () => {
        const rows = await this.db.query<AffinityRow>(
          `SELECT session_hash, account_id, at, origin, seq FROM session_affinity
           WHERE origin = $1 AND seq > $2 ORDER BY seq`,
          [change.origin, this.cursor.after(change.origin)],
        );
        for (const row of rows) this.adopt(row);
      })
      .catch((error: unknown) => this.logger.warn(`Reading shared session affinity failed: ${String(error)}`));
  }

  private adopt(row: AffinityRow): void {
    this.cursor.see(row.origin, Number(row.seq));
    if (row.origin === this.db.origin) return;
    super.remember(row.session_hash, row.account_id, Number(row.at));
  }
}
