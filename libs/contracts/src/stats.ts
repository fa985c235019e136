import type { Pagination, TraceRecord, TraceSummary } from './trace';

export interface TokenCounts {
  prompt: number;
  completion: number;
  total: number;
  cached: number;
  reasoning: number;
}

/** PROTOCOL.md §11.5 Aggregate. */
export interface Aggregate {
  requests: number;
  ok: number;
  errors: number;
  errorRate: number;
  successRate: number;
  stream: number;
  streamingRate: number;
  latencyMsTotal: number;
  avgLatencyMs: number;
  p50LatencyMs: number;
  p95LatencyMs: number;
  avgTtfbMs: number;
  requestsWithUsage: number;
  tokens: TokenCounts;
  costUsd: number;
  unpricedRequests: number;
  statusCounts: Record<string, number>;
  firstAt: number | null;
  lastAt: number | null;
}

export interface StatsFilters {
  sinceMs?: number;
  untilMs?: number;
  accountId?: string;
  route?: string;
  model?: string;
  clientKeyId?: string;
}

export interface UsageStatsResponse {
  ok: true;
  filters: StatsFilters;
  totals: Aggregate;
  byAccount: (Aggregate & {
    accountId: string;
    account: { id: string; email?: string; label?: string; enabled: boolean } | null;
  })[];
  byRoute: (Aggregate & { route: string })[];
  byModel: (Aggregate & { model: string })[];
  byClientKey: (Aggregate & { clientKeyId: string })[];
  tracesEvaluated: number;
  tracesMatched: number;
}

export interface TokenSet {
  tokensInput: number;
  tokensInputCached: number;
  tokensOutput: number;
  tokensReasoning: number;
  tokensTotal: number;
}

export interface TraceStats {
  totals: TokenSet & {
    requests: number;
    errors: number;
    errorRate: number;
    costUsd: number;
    latencyAvgMs: number;
    latencyP50Ms: number;
    latencyP95Ms: number;
  };
  models: (TokenSet & {
    model: string;
    count: number;
    okCount: number;
    errorCount: number;
    costUsd: number;
    latencyAvgMs: number;
    latencyP95Ms: number;
  })[];
  timeseries: (TokenSet & {
    at: number;
    requests: number;
    errors: number;
    costUsd: number;
    latencyP50Ms: number;
    latencyP95Ms: number;
  })[];
}

export interface TraceStatsResponse {
  ok: true;
  filters: StatsFilters & { bucketMs: number };
  totalStored: number;
  matched: number;
  stats: TraceStats;
}

export interface TracesPageResponse {
  traces: TraceSummary[];
  pagination: Pagination;
  stats: TraceStats;
}

export interface TracesLegacyResponse {
  traces: TraceRecord[];
}

export interface TraceResponse {
  trace: TraceRecord;
}
