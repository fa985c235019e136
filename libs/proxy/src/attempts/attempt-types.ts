import type { ResponseAccumulator, SseEvent, UpstreamFailure } from '@mcp/codex';
import type { JsonObject, SourceText } from '@mcp/codex';
import type { AttemptClass } from '@mcp/contracts';
import type { TraceBuilder } from '../trace/trace-builder';
import type { UpstreamBody } from '../upstream/upstream-body';
import type { UpstreamEventBatches } from '../upstream/upstream-events';

/** What one request sends upstream, whichever account serves it. */
export interface UpstreamPlan {
  /** The model string the client sent (chat replies echo it). */
  clientModel: string;
  upstreamModel: string;
  body: JsonObject;
  /** The client's text of the body `body` was made from: untouched values travel as the client wrote them. */
  source?: SourceText;
  sessionKey: string | undefined;
  compact: boolean;
  /** Streaming clients commit at the first output item; the others only at the end of the stream (§7.5). */
  commitAt: 'first_output' | 'terminal';
  /** Remote compaction v2 (§13.3): the answer must hold exactly one `compaction` item, or the attempt failed. */
  compaction?: boolean;
  /** The client's `x-codex-beta-features`, forwarded upstream as is (§13.3). */
  betaFeatures?: string;
}

/** The per-request context the loop needs: where to note attempts, and the client's disconnect signal. */
export interface AttemptContext {
  trace: TraceBuilder;
  signal: AbortSignal;
}

/** When the serving attempt began, so the relay can record it once the stream ends. */
export interface ServingAttempt {
  accountId: string;
  status: number;
  startedAt: number;
}

/** An upstream stream past its commit point: the events held so far, and the rest still to read. */
export interface StreamSuccess {
  kind: 'stream';
  serving: ServingAttempt;
  accumulator: ResponseAccumulator;
  held: SseEvent[];
  events: UpstreamEventBatches;
  body: UpstreamBody;
}

/** A compact reply (§2.5): opaque JSON passed through with its status. */
export interface JsonSuccess {
  kind: 'json';
  serving: ServingAttempt;
  status: number;
  body: Buffer;
  contentType: string;
}

export type AttemptSuccess = StreamSuccess | JsonSuccess;

export type AttemptOutcome =
  { ok: true; success: AttemptSuccess } | { ok: false; failure: UpstreamFailure; cls: AttemptClass };

/** The client went away: nothing more is written, and the trace records 499. */
export class ClientGoneError extends Error {
  constructor() {
    super('The client closed the connection');
    this.name = 'ClientGoneError';
  }
}
