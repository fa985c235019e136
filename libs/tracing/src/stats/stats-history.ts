import type { StatsFilters, StatsRecord, TraceStats, TraceStatsResponse, UsageStatsResponse } from '@mcp/contracts';
import { JsonlLog, type ReadAllResult } from '@mcp/storage';
import type { RecordLog } from '../trace-logs';
import { DAY_MS, HOUR_MS, Rollup } from './rollup';
import { DIMENSIONS, StatsColumns, UNKNOWN } from './stats-columns';
import { DEFAULT_EXACT_LIMIT, runStatsQuery } from './stats-engine';
import { queryOf, sortedBreakdown, toAggregate, toTraceStats } from './stats-shapes';

export type AccountInfo = UsageStatsResponse['byAccount'][number]['account'];

export interface StatsHistoryOptions {
  /** Longest a finished request waits in memory before reaching the file (the crash-loss window). */
  flushIntervalMs?: number;
  /** Groups up to this size get exact percentiles. */
  exactLimit?: number;
  onError?: (error: unknown) => void;
}

/**
 * The rollups kept, smallest first (the query planner takes the first that fits, see
 * runStatsQuery): per UTC day by each single dimension, per hour (time series), per hour by model,
 * and per day by every dimension (any filter combined with any breakdown).
 */
function createRollups(): Rollup[] {
  return [
    new Rollup(DAY_MS, ['route']),
    new Rollup(DAY_MS, ['key']),
    new Rollup(DAY_MS, ['account']),
    new Rollup(DAY_MS, ['model']),
    new Rollup(HOUR_MS, []),
    new Rollup(HOUR_MS, ['model']),
    new Rollup(DAY_MS, DIMENSIONS),
  ];
}

/**
 * requests-stats-history.jsonl (PROTOCOL.md §10.5): append-only on disk, and in memory as
 * columns plus rollups, built once at boot by streaming the file and then kept up to date record
 * by record. Stats queries never read the file.
 */
export class StatsHistory {
  private readonly columns = new StatsColumns();
  private readonly rollups = createRollups();
  private readonly log: RecordLog<StatsRecord> | undefined;
  private readonly exactLimit: number;

  /** `source`: the JSON Lines file, a log of another kind (a shared store's table), or none (memory only). */
  constructor(source: string | RecordLog<StatsRecord> | undefined, options: StatsHistoryOptions = {}) {
    this.exactLimit = options.exactLimit ?? DEFAULT_EXACT_LIMIT;
    if (typeof source === 'string') {
      this.log = new JsonlLog<StatsRecord>(source, {
        ...(options.flushIntervalMs === undefined ? {} : { flushIntervalMs: options.flushIntervalMs }),
        ...(options.onError ? { onError: options.onError } : {}),
      });
    } else {
      this.log = source;
    }
  }

  /** An in-memory history over `records` (no file): used for the stats of a traces page. */
  static of(records: Iterable<StatsRecord>, exactLimit?: number): StatsHistory {
    const history = new StatsHistory(undefined, exactLimit === undefined ? {} : { exactLimit });
    for (const record of records) history.ingest(record);
    return history;
  }

  /** Streams the file into memory; a torn last line is skipped. */
  async load(): Promise<ReadAllResult> {
    if (!this.log) return { records: 0, skipped: 0 };
    const result = await this.log.readAll((record) => this.ingest(record));
    // Requests other replicas serve count here too (not appended again: they are stored already).
    this.log.follow?.((record) => this.ingest(record));
    return result;
  }

  /** Records a finished request: in memory at once, on disk within the flush interval. */
  append(record: StatsRecord): void {
    this.ingest(record);
    this.log?.append(record);
  }

  get size(): number {
    return this.columns.length;
  }

  /** Bytes of the record columns (the rollups add a few hundred bytes per active day × combination). */
  get columnBytes(): number {
    return this.columns.byteLength;
  }

  get cellCount(): number {
    return this.rollups.reduce((n, rollup) => n + rollup.cellCount, 0);
  }

  /** GET /admin/stats/usage (§11.5). `accountInfo` describes an account id, or null when unknown. */
  usage(filters: StatsFilters, accountInfo: (accountId: string) => AccountInfo): UsageStatsResponse {
    const result = runStatsQuery(
      this.columns,
      this.rollups,
      queryOf(filters, ['account', 'route', 'model', 'key']),
      this.exactLimit,
    );
    const breakdown = result.breakdowns;
    return {
      ok: true,
      filters,
      totals: toAggregate(result.total),
      byAccount: sortedBreakdown(breakdown.account).map(([accountId, group]) => ({
        accountId,
        account: accountId === UNKNOWN ? null : accountInfo(accountId),
        ...toAggregate(group),
      })),
      byRoute: sortedBreakdown(breakdown.route).map(([route, group]) => ({ route, ...toAggregate(group) })),
      byModel: sortedBreakdown(breakdown.model).map(([model, group]) => ({ model, ...toAggregate(group) })),
      byClientKey: sortedBreakdown(breakdown.key).map(([clientKeyId, group]) => ({
        clientKeyId,
        ...toAggregate(group),
      })),
      tracesEvaluated: this.size,
      tracesMatched: result.total.tally.requests,
    };
  }

  /** GET /admin/stats/traces (§11.5). `bucketMs` may be widened so the series stays bounded (echoed in filters). */
  traceStats(filters: StatsFilters, bucketMs: number): TraceStatsResponse {
    const { stats, bucketMs: effective, matched } = this.traceStatsOnly(filters, bucketMs);
    return { ok: true, filters: { ...filters, bucketMs: effective }, totalStored: this.size, matched, stats };
  }

  traceStatsOnly(filters: StatsFilters, bucketMs: number): { stats: TraceStats; bucketMs: number; matched: number } {
    const result = runStatsQuery(this.columns, this.rollups, queryOf(filters, ['model'], bucketMs), this.exactLimit);
    return {
      stats: toTraceStats(result),
      bucketMs: result.timeseries?.bucketMs ?? bucketMs,
      matched: result.total.tally.requests,
    };
  }

  flush(): Promise<void> {
    return this.log?.flush() ?? Promise.resolve();
  }

  close(): Promise<void> {
    return this.log?.close() ?? Promise.resolve();
  }

  private ingest(record: StatsRecord): void {
    const i = this.columns.push(record);
    if (i < 0) return;
    for (const rollup of this.rollups) rollup.add(this.columns, i);
  }
}
