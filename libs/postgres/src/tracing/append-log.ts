import { Logger } from '@nestjs/common';
import type { PoolClient } from 'pg';
import type { ReadAllResult } from '@mcp/storage';
import { type ChangeFeed, type ChangeTopic, notifyChange } from '../db/change-feed';
import type { PgDatabase } from '../db/database';
import { OriginCursor } from '../db/origin-cursor';
import { SerialQueue } from '../db/serial-queue';
import type { RecordLog, RecordLogOptions } from '@mcp/tracing';

const DEFAULT_FLUSH_MS = 100;
const MAX_BATCH = 500;
/** While the database is unreachable, keep at most this many records (the oldest go first). */
const MAX_PENDING = 20_000;

/** A stored record with where it came from. */
export interface OriginRow<T> {
  record: T;
  origin: string;
  seq: number;
}

/**
 * An append-only table used like a JSON Lines log: `append` only buffers (the request path never
 * waits for the database); a timer or a full batch writes in the background, one batch at a time,
 * then notifies the other replicas, which pull the new rows (`follow`). Rows carry this replica's
 * origin so it never reads its own appends back.
 */
export abstract class PgAppendLog<T> implements RecordLog<T> {
  protected readonly logger = new Logger('Postgres');
  protected readonly cursor = new OriginCursor();
  private buffer: T[] = [];
  private timer: NodeJS.Timeout | undefined;
  private readonly writes = new SerialQueue();
  private readonly pulls = new SerialQueue();
  private onRemote: ((record: T) => void) | undefined;
  private readonly flushMs: number;
  private readonly onError: (error: unknown) => void;

  protected constructor(
    protected readonly db: PgDatabase,
    private readonly feed: ChangeFeed,
    private readonly topic: ChangeTopic,
    protected readonly table: string,
    options: RecordLogOptions,
  ) {
    this.flushMs = options.flushIntervalMs ?? DEFAULT_FLUSH_MS;
    this.onError = options.onError ?? (() => undefined);
  }

  abstract readAll(onRecord: (record: T) => void): Promise<ReadAllResult>;
  abstract retain(n: number): Promise<void>;
  protected abstract insert(client: PoolClient, records: T[]): Promise<void>;
  /** Rows of `origin` after `seq`, oldest first. */
  protected abstract selectAfter(origin: string, seq: number): Promise<OriginRow<T>[]>;

  append(record: T): void {
    this.buffer.push(record);
    if (this.buffer.length > MAX_PENDING) this.buffer.splice(0, this.buffer.length - MAX_PENDING);
    if (this.buffer.length >= MAX_BATCH) this.flushInBackground();
    else this.timer ??= setTimeout(() => this.flushInBackground(), this.flushMs).unref();
  }

  /** Inserts `records` at once, without buffering or notifying (the one-shot import). */
  importBatch(records: T[]): Promise<void> {
    return this.db.transaction((client) => this.insert(client, records));
  }

  /** Resolves once everything appended so far is committed. */
  flush(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    return this.writes.run(() => this.writeBuffered());
  }

  async close(): Promise<void> {
    await this.flush();
    this.onRemote = undefined;
  }

  follow(onRecord: (record: T) => void): void {
    this.onRemote = onRecord;
    this.feed
      .subscribe(this.topic, {
        onChange: (change) => void this.pull([change.origin]),
        onResync: () => void this.pullEveryOrigin(),
      })
      // Rows committed between readAll and the LISTEN are fetched once listening.
      .then(() => this.pullEveryOrigin())
      .catch((error: unknown) =>
        this.logger.warn(`Following ${this.topic} of other replicas failed: ${String(error)}`),
      );
  }

  /** Called by readAll for each row it delivered, so follow starts after them. */
  protected seen(row: { origin: string; seq: number }): void {
    this.cursor.see(row.origin, row.seq);
  }

  private flushInBackground(): void {
    this.flush().catch((error: unknown) => this.onError(error));
  }

  private async writeBuffered(): Promise<void> {
    while (this.buffer.length > 0) {
      const batch = this.buffer.splice(0, MAX_BATCH);
      try {
        await this.db.transaction(async (client) => {
          await this.insert(client, batch);
          await notifyChange(client, { topic: this.topic, origin: this.db.origin });
        });
      } catch (error) {
        this.buffer.unshift(...batch); // kept for the next flush, as a JSON Lines log keeps its buffer
        throw error;
      }
    }
  }

  private pullEveryOrigin(): Promise<void> {
    return this.db
      .query<{ origin: string }>(`SELECT DISTINCT origin FROM ${this.table} WHERE seq > $1`, [this.cursor.floor])
      .then((rows) => this.pull(rows.map((row) => row.origin)));
  }

  private pull(origins: string[]): Promise<void> {
    return this.pulls
      .run(async () => {
        for (const origin of origins) {
          if (origin === this.db.origin) continue;
          for (const row of await this.selectAfter(origin, this.cursor.after(origin))) {
            this.cursor.see(row.origin, row.seq);
            this.onRemote?.(row.record);
          }
        }
      })
      .catch((error: unknown) => this.logger.warn(`Reading ${this.topic} of other replicas failed: ${String(error)}`));
  }
}
