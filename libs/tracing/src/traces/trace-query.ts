import type { Pagination, StatsRecord, TraceRecord, TraceSummary } from '@mcp/contracts';
import { hasBody, type StoredTrace } from './trace-line';

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

/** A trace in a listing: the payload left out (a stored record holds none), its presence kept. */
export function toSummary(stored: StoredTrace): TraceSummary {
  return { ...stored.record, hasRequestBody: hasBody(stored) };
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
 * The one spelling of a route, for the recorder (the path a request came in on) and the filters alike: the public
 * `/v1` path without query string or trailing slash, root aliases under `/v1`, the ChatGPT-shaped `/backend-api/…`
 * prefix (§13.2) as its own surface. Filters may also drop the leading slash or `/v1`, or use the short names
 * `chat`, `responses`, `compact`.
 */
export function normalizeRoute(route: string): string {
  const bare = route.trim().split('?')[0] ?? '';
  const trimmed = bare.length > 1 ? bare.replace(/\/+$/, '') : bare;
  const alias = ROUTE_ALIASES[trimmed.toLowerCase()];
  if (alias) return alias;
  const path = trimmed.startsWith('/') ? trimmed : `/${trimmed}`;
  if (path === '/v1' || path.startsWith('/v1/') || path.startsWith('/backend-api/')) return path;
  return `/v1${path}`;
}
