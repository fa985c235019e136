import type { ServerResponse } from 'node:http';
import type { JsonObject, ResponseAccumulator } from '@mcp/codex';
import type { OpenAiHttpError } from '../errors/openai-error';
import type { StreamSink } from '../relay/stream-relay';
import type { PrepareOptions, PreparedRequest } from './request-prep';

/**
 * A client surface that only translates at its edge (the Anthropic Messages API, §14): its request in, its stream
 * and whole answer out, its error envelope. Routing, the attempt loop, the commit point, failover and tracing stay
 * ProxyService's. One instance serves one request, so it may keep what `prepare` learnt for `sink`/`aggregate`.
 */
export interface TranslatedSurface {
  prepare(body: unknown, options: PrepareOptions): PreparedRequest;
  sink(prepared: PreparedRequest): StreamSink;
  aggregate(accumulator: ResponseAccumulator, prepared: PreparedRequest): JsonObject;
  /** An error before the commit point, in the surface's envelope (after it, the sink reports in-stream). */
  renderError(res: ServerResponse, error: OpenAiHttpError, requestId: string): void;
}
