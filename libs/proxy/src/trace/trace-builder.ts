import { performance } from 'node:perf_hooks';
import { redactForTrace } from '@mcp/codex';
import type { FinishReason, TraceAttempt, TraceRecord, TraceRouting } from '@mcp/contracts';
import { JsonText, normalizeRoute } from '@mcp/tracing';

/** Token counts as the trace stores them (PROTOCOL.md §3.4: cached ⊂ input, reasoning ⊂ output). */
export interface TraceTokens {
  input: number;
  cached: number;
  output: number;
  reasoning: number;
  total: number;
}

export interface TraceStart {
  id: string;
  at: number;
  route: string;
  method: string;
  stream: boolean;
  clientKeyId?: string | null;
  /** performance.now() when the request arrived (ProxyRequest.receivedAt); defaults to the builder's creation. */
  startedAt?: number;
}

const UPSTREAM_ERROR_MAX = 500;

/**
 * Collects one request's trace as it runs (attempts, commit, upstream wait) and builds the record once it ends.
 * Durations use a monotonic source (performance.now() unless a spec passes a fake clock); `at` is wall-clock ms
 * from the injected clock.
 */
export class TraceBuilder {
  readonly attempts: TraceAttempt[] = [];
  model: string | null = null;
  upstreamModel: string | null = null;
  accountId: string | null = null;
  accountEmail: string | null = null;
  routing: TraceRouting | undefined;
  droppedParams: string[] = [];
  sessionKeyHash: string | null = null;
  requestBody: unknown = undefined;
  status = 0;
  finishReason: FinishReason = null;
  tokens: TraceTokens | undefined;
  costUsd: number | null = null;
  error: string | null = null;
  upstreamError: string | null = null;
  upstreamRequestId: string | null = null;
  expandedReferences = 0;
  private readonly startedAt: number;
  private committedAt: number | undefined;
  private upstreamWait = 0;
  private built = false;

  constructor(
    private readonly start: TraceStart,
    private readonly monotonic: { now(): number } = performance,
  ) {
    this.startedAt = start.startedAt ?? monotonic.now();
  }

  get id(): string {
    return this.start.id;
  }

  /** Times a wait on the upstream, so the overhead header can exclude it. */
  async waitUpstream<T>(promise: Promise<T>): Promise<T> {
    const t0 = this.monotonic.now();
    try {
      return await promise;
    } finally {
      this.upstreamWait += this.monotonic.now() - t0;
    }
  }

  /** The commit point (PROTOCOL.md §7.5): ttfbMs is measured up to here. */
  markCommitted(): void {
    this.committedAt ??= this.monotonic.now();
  }

  /**
   * The gateway's own share of the latency so far, in ms to 0.01 (the `x-proxy-overhead-ms` header): from the
   * moment the first /v1 middleware saw the request (so reading, decompressing and parsing the body count, and so
   * does a slow client upload) to now, minus every wait on upstream (connecting, its headers, its stream up to the
   * commit point). Callers read it as late as they can: for a JSON answer after it is serialised, just before the
   * headers are written; for a stream at the commit point. The socket write after that is not counted.
   */
  overheadMs(): number {
    return Math.max(0, Math.round((this.monotonic.now() - this.startedAt - this.upstreamWait) * 100) / 100);
  }

  addAttempt(attempt: TraceAttempt): void {
    this.attempts.push(attempt);
  }

  /**
   * Keeps the client's body, redacted (PROTOCOL.md §10.4). `text` is the JSON it was parsed from: kept as the body
   * when redaction changes nothing, so the trace is written without serialising the body again.
   */
  keepRequestBody(body: unknown, text: string | undefined): void {
    const kept = redactForTrace(body, text);
    this.requestBody = kept.text === undefined ? kept.value : new JsonText(kept.text);
  }

  noteUpstreamError(text: string | undefined): void {
    if (text) this.upstreamError = text.slice(0, UPSTREAM_ERROR_MAX);
  }

  /** Builds the record once; later calls return undefined, so a request is never traced twice. */
  build(): TraceRecord | undefined {
    if (this.built) return undefined;
    this.built = true;
    const now = this.monotonic.now();
    const t = this.tokens ?? { input: 0, cached: 0, output: 0, reasoning: 0, total: 0 };
    const record: TraceRecord = {
      id: this.start.id,
      at: this.start.at,
      route: normalizeRoute(this.start.route),
      method: this.start.method,
      stream: this.start.stream,
      latencyMs: Math.round(now - this.startedAt),
      ttfbMs: this.committedAt === undefined ? null : Math.round(this.committedAt - this.startedAt),
      accountId: this.accountId,
      accountEmail: this.accountEmail,
      clientKeyId: this.start.clientKeyId ?? null,
      model: this.model,
      upstreamModel: this.upstreamModel,
      status: this.status,
      isError: this.status >= 400,
      finishReason: this.finishReason,
      tokensInput: t.input,
      tokensInputCached: t.cached,
      tokensOutput: t.output,
      tokensReasoning: t.reasoning,
      tokensTotal: t.total,
      costUsd: this.costUsd,
      attempts: this.attempts,
      droppedParams: this.droppedParams,
      sessionKeyHash: this.sessionKeyHash,
      error: this.error,
      upstreamError: this.upstreamError,
      upstreamRequestId: this.upstreamRequestId,
    };
    if (this.routing) record.routing = this.routing;
    if (this.expandedReferences > 0) record.expandedReferences = this.expandedReferences;
    if (this.requestBody !== undefined) record.requestBody = this.requestBody;
    return record;
  }
}
