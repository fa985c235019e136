export type AttemptClass =
  | 'ok'
  | 'quota'
  | 'plan'
  | 'rate_limit'
  | 'model_ineligible'
  | 'auth'
  | 'account'
  | 'transient'
  | 'client'
  | 'empty_output'
  | 'truncated'
  | 'stream_error'
  | 'aborted';

export interface TraceAttempt {
  accountId: string;
  status: number | null; // upstream HTTP status, null on a network failure
  class: AttemptClass;
  latencyMs: number;
  message?: string;
}

export interface RoutingCandidateNote {
  accountId: string;
  tier: 'affinity' | 1 | 2 | 3;
  reason: string;
}

export interface RoutingSkipNote {
  accountId: string;
  reason: string;
}

export interface TraceRouting {
  sessionAffinity: boolean;
  candidates: RoutingCandidateNote[];
  skipped: RoutingSkipNote[];
}

export type FinishReason = 'stop' | 'length' | 'tool_calls' | 'content_filter' | null;

/** The light record kept forever in the stats history (PROTOCOL.md §10.5). */
export interface StatsRecord {
  id: string;
  at: number;
  route: string;
  method: string;
  accountId: string | null;
  clientKeyId?: string | null;
  model: string | null;
  status: number;
  isError: boolean;
  stream: boolean;
  latencyMs: number;
  ttfbMs: number | null;
  tokensInput: number;
  tokensInputCached: number;
  tokensOutput: number;
  tokensReasoning: number;
  tokensTotal: number;
  costUsd: number | null;
  finishReason: FinishReason;
}

/** One finished proxied request (PROTOCOL.md §10.4). */
export interface TraceRecord extends StatsRecord {
  accountEmail?: string | null;
  upstreamModel: string | null;
  attempts: TraceAttempt[];
  routing?: TraceRouting;
  droppedParams?: string[];
  sessionKeyHash?: string | null;
  error?: string | null;
  upstreamError?: string | null;
  upstreamRequestId?: string | null;
  /** How many `item_reference` inputs the gateway expanded from items it served (absent when none). */
  expandedReferences?: number;
  requestBody?: unknown;
}

/** A trace in a page listing: without the payload. */
export type TraceSummary = Omit<TraceRecord, 'requestBody'> & { hasRequestBody: boolean };

export interface Pagination {
  page: number;
  pageSize: number;
  total: number;
  totalPages: number;
  hasPrev: boolean;
  hasNext: boolean;
}
