import type { PoolClient } from 'pg';
import type { TraceRecord } from '@mcp/contracts';
import type { ReadAllResult } from '@mcp/storage';
import type { ChangeFeed } from '../db/change-feed';
import type { PgDatabase } from '../db/database';
import { traceJsonText, type RecordLogOptions } from '@mcp/tracing';
import { toJsonb, toPgText } from '../json-merge';
import { type OriginRow, PgAppendLog } from './append-log';

interface TraceRow {
  record: TraceRecord;
  origin: string;
  seq: string;
}

/** jsonb cannot hold U+0000: a body text that spells one out goes through toJsonb's replacement instead. */
function traceJsonb(trace: TraceRecord): string {
  return traceJsonText(trace, toJsonb, (text) => !text.includes('\\u0000'));
}

/**
 * The `traces` table (PROTOCOL §10.4): full records, every replica's. At boot a replica reads the
 * newest `cap`; retention deletes everything older than the newest `cap`, whoever triggers it.
 */
export class PgTraceLog extends PgAppendLog<TraceRecord> {
  constructor(
    db: PgDatabase,
    feed: ChangeFeed,
    private readonly cap: number,
    options: RecordLogOptions,
  ) {
    super(db, feed, 'traces', 'traces', options);
  }

  async readAll(onRecord: (record: TraceRecord) => void): Promise<ReadAllResult> {
    const rows = await this.db.query<TraceRow>(
      `SELECT record, origin, seq FROM (SELECT record, origin, seq FROM traces ORDER BY seq DESC LIMIT $1) newest
       ORDER BY seq`,
      [this.cap],
    );
    const top = await this.db.query<{ max: string | null }>('SELECT max(seq) AS max FROM traces');
    this.cursor.floor = Number(top[0]?.max ?? 0);
    for (const row of rows) {
      this.seen({ origin: row.origin, seq: Number(row.seq) });
      onRecord(row.record);
    }
    return { records: rows.length, skipped: 0 };
  }

  /** Keeps the newest `n` traces of the whole fleet. */
  async retain(n: number): Promise<void> {
    await this.db.query(`DELETE FROM traces WHERE seq < (SELECT seq FROM traces ORDER BY seq DESC OFFSET $1 LIMIT 1)`, [
      Math.max(0, n - 1),
    ]);
  }

  protected async insert(client: PoolClient, records: TraceRecord[]): Promise<void> {
    await client.query(
      `INSERT INTO traces (id, at, origin, record)
       SELECT i, a, $3, r FROM unnest($1::text[], $2::bigint[], $4::jsonb[]) AS u(i, a, r)
       ON CONFLICT (id) DO NOTHING`,
      [records.map((t) => toPgText(t.id)), records.map((t) => t.at), this.db.origin, records.map(traceJsonb)],
    );
  }

  protected async selectAfter(origin: string, seq: number): Promise<OriginRow<TraceRecord>[]> {
    const rows = await this.db.query<TraceRow>(
      'SELECT record, origin, seq FROM traces WHERE origin = $1 AND seq > $2 ORDER BY seq',
      [origin, seq],
    );
    return rows.map((row) => ({ record: row.record, origin: row.origin, seq: Number(row.seq) }));
  }
}
