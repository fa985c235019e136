// The only door of @mcp/tracing: traces, lifetime stats and metrics.
export { TracingModule } from './tracing.module';
export { TracingService, TRACE_FLUSH_INTERVAL_MS, DEFAULT_BUCKET_MS } from './tracing.service';
export type { TraceListQuery } from './tracing.service';
export { TRACING_ERRORS, TraceNotFoundError } from './errors';
export { MetricsService } from './metrics/metrics.service';
export { StatsHistory } from './stats/stats-history';
export type { AccountInfo, StatsHistoryOptions } from './stats/stats-history';
export { TraceStore } from './traces/trace-store';
export { JsonText, traceJsonText } from './traces/trace-line';
export type { StoredTrace } from './traces/trace-line';
export { normalizeRoute, toStatsRecord, toSummary } from './traces/trace-query';
export type { TraceFilter } from './traces/trace-query';
export { FileTraceLogs, type RecordLog, type RecordLogOptions, TraceLogs } from './trace-logs';
