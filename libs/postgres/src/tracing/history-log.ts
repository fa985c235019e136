import type { PoolClient } from 'pg';
import type { FinishReason, StatsRecord } from '@mcp/contracts';
import type { ReadAllResult } from '@mcp/storage';
import type { ChangeFeed } from '../db/change-feed';
import type { PgDatabase } from '../db/database';
import type { RecordLogOptions } from '@mcp/tracing';
import { toPgText } from '../json-merge';
import { type OriginRow, PgAppendLog } from './append-log';

/** Boot reads the history in pages, so a long history never sits in memory twice. */
const PAGE = 20_000;

const COLUMNS =
  'id, origin, at, route, method, account_id, client_key_id, model, status, is_error, stream, latency_ms, ' +
  'ttfb_ms, tokens_input, tokens_input_cached, tokens_output, tokens_reasoning, tokens_total, cost_usd, finish_reason';

interface HistoryRow {
  seq: string;
  id: string;
  origin: string;
  at: string;
  route: string;
  method: string;
  account_id: string | null;
  client_key_id: string | null;
  model: string | null;
  status: number;
  is_error: boolean;
  stream: boolean;
  latency_ms: number;
  ttfb_ms: number | null;
  tokens_input: number;
  tokens_input_cached: number;
  tokens_output: number;
  tokens_reasoning: number;
  tokens_total: number;
  cost_usd: number | null;
  finish_reason: string | null;
}

/** Whole, non-negative and inside an integer column; anything else becomes 0. */
function int(value: number | null | undefined): number {
  return Number.isFinite(value) ? Math.min(2_147_483_647, Math.max(0, Math.round(value as number))) : 0;
}

function toRecord(row: HistoryRow): StatsRecord {
  return {
    id: row.id,
    at: Number(row.at),
    route: row.route,
    method: row.method,
    accountId: row.account_id,
    clientKeyId: row.client_key_id,
    model: row.model,
    status: row.status,
    isError: row.is_error,
    stream: row.stream,
    latencyMs: row.latency_ms,
    ttfbMs: row.ttfb_ms,
    tokensInput: row.tokens_input,
    tokensInputCached: row.tokens_input_cached,
    tokensOutput: row.tokens_output,
    tokensReasoning: row.tokens_reasoning,
    tokensTotal: row.tokens_total,
    costUsd: row.cost_usd,
    finishReason: row.finish_reason as FinishReason,
  };
}

/**
 * The `stats_history` table (PROTOCOL §10.5): one row per finished request from every replica,
 * never pruned. Each replica streams it into its in-memory stats engine at boot and then follows
 * the other replicas' appends, so the admin stats stay in-memory queries.
 */
export class PgHistoryLog extends PgAppendLog<StatsRecord> {
  constructor(db: PgDatabase, feed: ChangeFeed, options: RecordLogOptions) {
    super(db, feed, 'history', 'stats_history', options);
  }

  async readAll(onRecord: (record: StatsRecord) => void): Promise<ReadAllResult> {
    let after = 0;
    let records = 0;
    for (;;) {
      const rows = await this.db.query<HistoryRow>(
        `SELECT seq, ${COLUMNS} FROM stats_history WHERE seq > $1 ORDER BY seq LIMIT ${PAGE}`,
        [after],
      );
      for (const row of rows) {
        after = Number(row.seq);
        this.seen({ origin: row.origin, seq: after });
        onRecord(toRecord(row));
      }
      records += rows.length;
      if (rows.length < PAGE) break;
    }
    this.cursor.floor = after;
    return { records, skipped: 0 };
  }

  /** The history is append-only: nothing is ever dropped. */
  async retain(): Promise<void> {}

  protected async insert(client: PoolClient, records: StatsRecord[]): Promise<void> {
    const column = <V>(pick: (record: StatsRecord) => V): V[] => records.map(pick);
    await client.query(
      `INSERT INTO stats_history (${COLUMNS})
       SELECT * FROM unnest(
         $1::text[], $2::text[], $3::bigint[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[],
         $9::int[], $10::bool[], $11::bool[], $12::int[], $13::int[], $14::int[], $15::int[], $16::int[], $17::int[],
         $18::int[], $19::float8[], $20::text[])
       ON CONFLICT (id) DO NOTHING`,
      [
        column((r) => toPgText(r.id)),
        column(() => this.db.origin),
        column((r) => (Number.isFinite(r.at) ? Math.round(r.at) : 0)),
        column((r) => toPgText(r.route)),
        column((r) => toPgText(r.method)),
        column((r) => toPgText(r.accountId)),
        column((r) => toPgText(r.clientKeyId)),
        column((r) => toPgText(r.model)),
        column((r) => int(r.status)),
        column((r) => r.isError === true),
        column((r) => r.stream === true),
        column((r) => int(r.latencyMs)),
        column((r) => (r.ttfbMs === null || r.ttfbMs === undefined ? null : int(r.ttfbMs))),
        column((r) => int(r.tokensInput)),
        column((r) => int(r.tokensInputCached)),
        column((r) => int(r.tokensOutput)),
        column((r) => int(r.tokensReasoning)),
        column((r) => int(r.tokensTotal)),
        column((r) => (Number.isFinite(r.costUsd) ? r.costUsd : null)),
        column((r) => toPgText(r.finishReason)),
      ],
    );
  }

  protected async selectAfter(origin: string, seq: number): Promise<OriginRow<StatsRecord>[]> {
    const rows = await this.db.query<HistoryRow>(
      `SELECT seq, ${COLUMNS} FROM stats_history WHERE origin = $1 AND seq > $2 ORDER BY seq`,
      [origin, seq],
    );
    return rows.map((row) => ({ record: toRecord(row), origin: row.origin, seq: Number(row.seq) }));
  }
}
