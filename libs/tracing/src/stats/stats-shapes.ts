import type { Aggregate, StatsFilters, TokenSet, TraceStats } from '@mcp/contracts';
import type { GroupStats, StatsQuery, StatsResult } from './stats-engine';
import * as T from './tally';

/** StatsFilters (the API's names) → an engine query. */
export function queryOf(filters: StatsFilters, breakdowns: StatsQuery['breakdowns'], bucketMs?: number): StatsQuery {
  const query: StatsQuery = { filter: {}, breakdowns };
  if (filters.sinceMs !== undefined) query.sinceMs = filters.sinceMs;
  if (filters.untilMs !== undefined) query.untilMs = filters.untilMs;
  if (filters.accountId !== undefined) query.filter.account = filters.accountId;
  if (filters.route !== undefined) query.filter.route = filters.route;
  if (filters.model !== undefined) query.filter.model = filters.model;
  if (filters.clientKeyId !== undefined) query.filter.key = filters.clientKeyId;
  if (bucketMs !== undefined) query.bucketMs = bucketMs;
  return query;
}

/** PROTOCOL.md §11.5 Aggregate. Rates: errorRate 0–1 (4 decimals), the others percent (2 decimals). */
export function toAggregate(group: GroupStats): Aggregate {
  const s = group.tally.sums;
  const n = s[T.REQUESTS]!;
  const ttfbCount = s[T.TTFB_COUNT]!;
  return {
    requests: n,
    ok: s[T.OK]!,
    errors: s[T.ERRORS]!,
    errorRate: ratio(s[T.ERRORS]!, n, 1, 4),
    successRate: ratio(s[T.OK]!, n, 100, 2),
    stream: s[T.STREAM]!,
    streamingRate: ratio(s[T.STREAM]!, n, 100, 2),
    latencyMsTotal: s[T.LATENCY_TOTAL]!,
    avgLatencyMs: ratio(s[T.LATENCY_TOTAL]!, n, 1, 2),
    p50LatencyMs: group.latencies.percentile(50),
    p95LatencyMs: group.latencies.percentile(95),
    avgTtfbMs: ratio(s[T.TTFB_TOTAL]!, ttfbCount, 1, 2),
    requestsWithUsage: s[T.WITH_USAGE]!,
    tokens: {
      prompt: s[T.TOKENS_INPUT]!,
      completion: s[T.TOKENS_OUTPUT]!,
      total: s[T.TOKENS_TOTAL]!,
      cached: s[T.TOKENS_CACHED]!,
      reasoning: s[T.TOKENS_REASONING]!,
    },
    costUsd: roundCost(s[T.COST]!),
    unpricedRequests: s[T.UNPRICED]!,
    statusCounts: statusCounts(group),
    firstAt: n > 0 ? s[T.FIRST_AT]! : null,
    lastAt: n > 0 ? s[T.LAST_AT]! : null,
  };
}

/** The `stats` object of /admin/stats/traces and of a traces page (§11.5). */
export function toTraceStats(result: StatsResult): TraceStats {
  const total = result.total;
  const models = [...(result.breakdowns.model ?? new Map<string, GroupStats>())]
    .sort(byRequestsThenName)
    .map(([model, group]) => {
      const s = group.tally.sums;
      return {
        model,
        count: s[T.REQUESTS]!,
        okCount: s[T.OK]!,
        errorCount: s[T.ERRORS]!,
        ...tokenSet(group),
        costUsd: roundCost(s[T.COST]!),
        latencyAvgMs: ratio(s[T.LATENCY_TOTAL]!, s[T.REQUESTS]!, 1, 2),
        latencyP95Ms: group.latencies.percentile(95),
      };
    });
  const timeseries = (result.timeseries?.buckets ?? []).map(({ at, group }) => ({
    at,
    requests: group.tally.sums[T.REQUESTS]!,
    errors: group.tally.sums[T.ERRORS]!,
    ...tokenSet(group),
    costUsd: roundCost(group.tally.sums[T.COST]!),
    latencyP50Ms: group.latencies.percentile(50),
    latencyP95Ms: group.latencies.percentile(95),
  }));
  const s = total.tally.sums;
  const totals = {
    requests: s[T.REQUESTS]!,
    errors: s[T.ERRORS]!,
    errorRate: ratio(s[T.ERRORS]!, s[T.REQUESTS]!, 1, 4),
    ...tokenSet(total),
    costUsd: roundCost(s[T.COST]!),
    latencyAvgMs: ratio(s[T.LATENCY_TOTAL]!, s[T.REQUESTS]!, 1, 2),
    latencyP50Ms: total.latencies.percentile(50),
    latencyP95Ms: total.latencies.percentile(95),
  };
  return { totals, models, timeseries };
}

/** A breakdown as a list sorted by requests (descending), then name. */
export function sortedBreakdown(groups: Map<string, GroupStats> | undefined): [string, GroupStats][] {
  return [...(groups ?? new Map<string, GroupStats>())].sort(byRequestsThenName);
}

function byRequestsThenName(a: [string, GroupStats], b: [string, GroupStats]): number {
  const diff = b[1].tally.requests - a[1].tally.requests;
  return diff !== 0 ? diff : a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0;
}

function tokenSet(group: GroupStats): TokenSet {
  const s = group.tally.sums;
  return {
    tokensInput: s[T.TOKENS_INPUT]!,
    tokensInputCached: s[T.TOKENS_CACHED]!,
    tokensOutput: s[T.TOKENS_OUTPUT]!,
    tokensReasoning: s[T.TOKENS_REASONING]!,
    tokensTotal: s[T.TOKENS_TOTAL]!,
  };
}

function statusCounts(group: GroupStats): Record<string, number> {
  return Object.fromEntries(group.tally.statusEntries().map(([status, n]) => [String(status), n]));
}

function ratio(part: number, whole: number, scale: number, decimals: number): number {
  if (whole === 0) return 0;
  const factor = 10 ** decimals;
  return Math.round((part / whole) * scale * factor) / factor;
}

/** Sums of small float prices drift in the last digits; a millionth of a dollar is plenty. */
function roundCost(usd: number): number {
  return Math.round(usd * 1e6) / 1e6;
}
