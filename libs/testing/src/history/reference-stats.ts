import type { StatsRecord } from '@mcp/contracts';

/** The obvious, slow computation of an Aggregate's exact parts, to check the columnar engine against. */
export function referenceAggregate(records: readonly StatsRecord[]) {
  const latencies = records.map((r) => Math.round(r.latencyMs)).sort((a, b) => a - b);
  const rank = (p: number) => (latencies.length === 0 ? 0 : latencies[Math.ceil((p / 100) * latencies.length) - 1]!);
  const ttfbs = records.filter((r) => r.ttfbMs !== null).map((r) => Math.round(r.ttfbMs!));
  const statusCounts: Record<string, number> = {};
  for (const r of records) statusCounts[String(r.status)] = (statusCounts[String(r.status)] ?? 0) + 1;
  const sum = (pick: (r: StatsRecord) => number) => records.reduce((total, r) => total + pick(r), 0);
  return {
    requests: records.length,
    ok: records.filter((r) => r.status >= 200 && r.status < 400).length,
    errors: records.filter((r) => r.status >= 400).length,
    stream: records.filter((r) => r.stream).length,
    latencyMsTotal: latencies.reduce((a, b) => a + b, 0),
    p50LatencyMs: rank(50),
    p95LatencyMs: rank(95),
    ttfbTotal: ttfbs.reduce((a, b) => a + b, 0),
    ttfbCount: ttfbs.length,
    requestsWithUsage: records.filter((r) => r.tokensInput > 0 || r.tokensOutput > 0 || r.tokensTotal > 0).length,
    tokens: {
      prompt: sum((r) => r.tokensInput),
      completion: sum((r) => r.tokensOutput),
      total: sum((r) => r.tokensTotal),
      cached: sum((r) => r.tokensInputCached),
      reasoning: sum((r) => r.tokensReasoning),
    },
    costUsd: sum((r) => r.costUsd ?? 0),
    unpricedRequests: records.filter((r) => r.costUsd === null).length,
    statusCounts,
    firstAt: records.length === 0 ? null : records.reduce((min, r) => Math.min(min, r.at), Infinity),
    lastAt: records.length === 0 ? null : records.reduce((max, r) => Math.max(max, r.at), -Infinity),
  };
}
