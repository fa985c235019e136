import { BeforeApplicationShutdown, Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { AccountsService } from '@mcp/accounts';
import { AppConfig } from '@mcp/config';
import { TraceNotFoundError } from './errors';
import type {
  StatsFilters,
  TraceRecord,
  TraceResponse,
  TracesLegacyResponse,
  TracesPageResponse,
  TraceStatsResponse,
  UsageStatsResponse,
} from '@mcp/contracts';
import { accountInfo } from './account-info';
import { RecordBatch } from './record-batch';
import { MetricsService } from './metrics/metrics.service';
import { StatsHistory } from './stats/stats-history';
import { TraceLogs } from './trace-logs';
import {
  matchesTrace,
  normalizeRoute,
  paginate,
  toStatsRecord,
  toSummary,
  type TraceFilter,
} from './traces/trace-query';
import { JsonText, type StoredTrace } from './traces/trace-line';
import { TraceStore } from './traces/trace-store';

/**
 * How long a finished request may sit in memory before its trace and history lines are written
 * and fsynced: a crash loses at most this much (plus the fsync in progress). Shutdown flushes all.
 */
export const TRACE_FLUSH_INTERVAL_MS = 100;
/** Finished requests are encoded in batches (RecordBatch): at most this many, this much body text, this long. */
const RECORD_BATCH = { maxItems: 32, maxBytes: 64 * 1024, maxDelayMs: 20 };
/** What a body kept as a parsed value (redaction changed it) counts for, its size unknown without serialising it. */
const PARSED_BODY_WEIGHT = 16 * 1024;
export const DEFAULT_BUCKET_MS = 3_600_000;
const DEFAULT_PAGE_SIZE = 100;
const LEGACY_MAX = 1000;

export interface TraceListQuery extends TraceFilter {
  page?: number;
  pageSize?: number;
  limit?: number;
}

/**
 * Request traces and the lifetime stats history (PROTOCOL.md §10.4–10.6, §11.4–11.5).
 * `record` is the only call on the request path: it updates memory and buffers the file writes.
 */
@Injectable()
export class TracingService implements OnModuleInit, BeforeApplicationShutdown {
  private readonly logger = new Logger('Tracing');
  private readonly traces: TraceStore;
  private readonly history: StatsHistory;
  private readonly batch = new RecordBatch<TraceRecord>((traces) => this.store(traces), RECORD_BATCH, bodyWeight);

  constructor(
    private readonly config: AppConfig,
    private readonly metrics: MetricsService,
    private readonly accounts: AccountsService,
    logs: TraceLogs,
  ) {
    const onError = (error: unknown) => this.logger.error(`Writing traces failed: ${(error as Error).message}`);
    // The batch's wait and the file's together stay within TRACE_FLUSH_INTERVAL_MS.
    const options = { flushIntervalMs: TRACE_FLUSH_INTERVAL_MS - RECORD_BATCH.maxDelayMs, onError };
    // The files, or a shared store's tables (STORAGE=postgres) that keep every replica's traces in one place.
    this.traces = new TraceStore(logs.traces(options), config.traceRetentionMax, options);
    this.history = new StatsHistory(logs.history(options), options);
  }

  async onModuleInit(): Promise<void> {
    const started = Date.now();
    const [traces, history] = await Promise.all([this.traces.load(), this.history.load()]);
    const skipped = traces.skipped + history.skipped;
    this.logger.log(
      `Loaded ${this.traces.size} traces and ${history.records} history records in ${Date.now() - started} ms` +
        (skipped > 0 ? ` (${skipped} unreadable lines skipped)` : ''),
    );
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.batch.drain();
    await Promise.all([this.traces.close(), this.history.close()]);
  }

  /**
   * Records one finished request. Never throws and never waits: the request path calls it. /metrics counts it at
   * once; its trace and history lines follow with the batch (every reader below drains it first).
   */
  record(trace: TraceRecord): void {
    try {
      this.metrics.observeRequest(trace);
      this.batch.push(trace);
    } catch (error) {
      this.recordFailed(trace, error);
    }
  }

  /** Resolves once everything recorded so far is on disk. */
  async flush(): Promise<void> {
    this.batch.drain();
    await Promise.all([this.traces.flush(), this.history.flush()]);
  }

  async listTraces(query: TraceListQuery): Promise<TracesPageResponse | TracesLegacyResponse> {
    this.batch.drain();
    const matching = this.filtered(query);
    if (query.limit !== undefined && query.page === undefined && query.pageSize === undefined) {
      const limit = Math.min(LEGACY_MAX, Math.max(1, query.limit));
      return { traces: await this.traces.full(matching.slice(0, limit).reverse()) };
    }
    const page = query.page ?? 1;
    const pageSize = query.pageSize ?? DEFAULT_PAGE_SIZE;
    const slice = matching.slice((page - 1) * pageSize, page * pageSize);
    const { stats } = StatsHistory.of(matching.map((stored) => toStatsRecord(stored.record))).traceStatsOnly(
      {},
      DEFAULT_BUCKET_MS,
    );
    return { traces: slice.map(toSummary), pagination: paginate(matching.length, page, pageSize), stats };
  }

  async getTrace(id: string): Promise<TraceResponse> {
    this.batch.drain();
    const trace = await this.traces.get(id);
    if (!trace) throw new TraceNotFoundError(id, this.traces.cap);
    return { trace };
  }

  /** The filtered traces as JSON Lines, oldest first, full records. */
  async exportTraces(filter: TraceFilter): Promise<string> {
    this.batch.drain();
    const traces = await this.traces.full(this.filtered(filter).reverse());
    return traces.map((trace) => `${JSON.stringify(trace)}\n`).join('');
  }

  usageStats(filters: StatsFilters): UsageStatsResponse {
    this.batch.drain();
    return this.history.usage(normalizeFilters(filters), (id) => accountInfo(this.accounts, id));
  }

  traceStats(filters: StatsFilters & { bucketMs?: number }): TraceStatsResponse {
    this.batch.drain();
    const { bucketMs, ...rest } = filters;
    return this.history.traceStats(normalizeFilters(rest), bucketMs ?? DEFAULT_BUCKET_MS);
  }

  /** One batch of finished requests into the trace store and the history, each on its own. */
  private store(traces: readonly TraceRecord[]): void {
    for (const trace of traces) {
      try {
        const stored = this.prepare(trace);
        this.traces.add(stored);
        this.history.append(toStatsRecord(stored));
      } catch (error) {
        this.recordFailed(trace, error);
      }
    }
  }

  /** A trace that could not be recorded is logged and left out: recording never fails a request. */
  private recordFailed(trace: TraceRecord, error: unknown): void {
    this.logger.error(`Could not record trace ${String(trace?.id)}: ${(error as Error).message}`);
  }

  /** Newest first. */
  private filtered(filter: TraceFilter): StoredTrace[] {
    const normalized = filter.route === undefined ? filter : { ...filter, route: normalizeRoute(filter.route) };
    return this.traces.newestFirst().filter((stored) => matchesTrace(stored.record, normalized));
  }

  /**
   * Records arrive finished: cost (config.pricing) and the redacted body are the recorder's, computed once per
   * request. Only TRACE_INCLUDE_BODY=false is enforced here too, so no recorder can store a body against it.
   */
  private prepare(trace: TraceRecord): TraceRecord {
    if (this.config.traceIncludeBody || trace.requestBody === undefined) return trace;
    const stored: TraceRecord = { ...trace };
    delete stored.requestBody;
    return stored;
  }
}

/** The memory a trace's body holds while it waits in the batch. */
function bodyWeight(trace: TraceRecord): number {
  const body = trace.requestBody;
  if (body === undefined) return 0;
  return body instanceof JsonText ? body.text.length : PARSED_BODY_WEIGHT;
}

/** Only the filters given, with the route in its stored form; echoed back in responses. */
function normalizeFilters(filters: StatsFilters): StatsFilters {
  const out: StatsFilters = {};
  if (filters.sinceMs !== undefined) out.sinceMs = filters.sinceMs;
  if (filters.untilMs !== undefined) out.untilMs = filters.untilMs;
  if (filters.accountId !== undefined) out.accountId = filters.accountId;
  if (filters.route !== undefined) out.route = normalizeRoute(filters.route);
  if (filters.model !== undefined) out.model = filters.model;
  if (filters.clientKeyId !== undefined) out.clientKeyId = filters.clientKeyId;
  return out;
}
