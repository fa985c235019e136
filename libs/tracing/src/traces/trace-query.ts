import type { Pagination, StatsRecord, TraceRecord, TraceSummary } from '@mcp/contracts';

/** Filters of GET /admin/traces and its export (PROTOCOL.md §11.4); all exact, times inclusive on `at`. */
export interface TraceFilter {
  sinceMs?: number;
  untilMs?: number;
  accountId?: string;
  route?: string;
  model?: string;
  isError?: boolean;
  status?: number;
}

export function matchesTrace(trace: TraceRecord, filter: TraceFilter): boolean {
  if (filter.sinceMs !== undefined && trace.at < filter.sinceMs) return false;
  if (filter.untilMs !== undefined && trace.at > filter.untilMs) return false;
  if (filter.accountId !== undefined && trace.accountId !== filter.accountId) return false;
  if (filter.route !== undefined && trace.route !== filter.route) return false;
  if (filter.model !== undefined && trace.model !== filter.model) return false;
  if (filter.isError !== undefined && trace.isError !== filter.isError) return false;
  if (filter.status !== undefined && trace.status !== filter.status) return false;
  return true;
}

/** A trace in a listing: the payload left out, its presence kept. */
export function toSummary(trace: TraceRecord): TraceSummary {
  const { requestBody, ...rest } = trace;
  return { ...rest, hasRequestBody: requestBody !== undefined };
}

/** Page numbers past the end give an empty page, not an error; totalPages is at least 1. */
export function paginate(total: number, page: number, pageSize: number): Pagination {
  const totalPages = Math.max(1, Math.ceil(total / pageSize));
  return { page, pageSize, total, totalPages, hasPrev: page > 1, hasNext: page < totalPages };
}

/** The light, lasting part of a trace (§10.5): no payload, routing, errors or session hash. */
export function toStatsRecord(trace: TraceRecord): StatsRecord {
  return {
    id: trace.id,
    at: trace.at,
    route: trace.route,
    method: trace.method,
    accountId: trace.accountId,
    clientKeyId: trace.clientKeyId ?? null,
    model: trace.model,
    status: trace.status,
    isError: trace.isError,
    stream: trace.stream,
    latencyMs: trace.latencyMs,
    ttfbMs: trace.ttfbMs,
    tokensInput: trace.tokensInput,
    tokensInputCached: trace.tokensInputCached,
    tokensOutput: trace.tokensOutput,
    tokensReasoning: trace.tokensReasoning,
    tokensTotal: trace.tokensTotal,
    costUsd: trace.costUsd,
    finishReason: trace.finishReason,
  };
}

const ROUTE_ALIASES: Record<string, string> = {
  chat: '/v1/chat/completions',
  'chat.completions': '/v1/chat/completions',
  responses: '/v1/responses',
  compact: '/v1/responses/compact',
};

/**
 * Routes are stored as the public path (`/v1/chat/completions`); filters also accept it without
 * the leading slash or the `/v1` prefix, and the short names `chat`, `responses`, `compact`.
 */
export function normalizeRoute(route: string): string {
  const trimmed = route.trim();
  const alias = ROUTE_ALIASES[trimmed.toLowerCase()];
  if (alias) return alias;
  const path = trimmed.startsWith('/') ? trimmed : `/${trimmed}`;
  return path.startsWith('/v1/') ? path : `/v1${path}`;
}
