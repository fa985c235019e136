import { randomUUID } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { performance } from 'node:perf_hooks';
import { Injectable, Logger } from '@nestjs/common';
import type { ExecutionContext } from '@nestjs/common';
import type { WebSocket } from 'ws';
import { ModelCatalogService } from '@mcp/accounts';
import { CLIENT_KEY_ERRORS, ClientKeyGuard } from '@mcp/client-keys';
import { AppConfig, Clock } from '@mcp/config';
import {
  costUsd,
  hashSessionKey,
  redactBody,
  type JsonObject,
  type NativeModelInfo,
  type SourceText,
} from '@mcp/codex';
import { ErrorRegistry, ErrorTable } from '@mcp/errors';
import { TracingService } from '@mcp/tracing';
import { AttemptLoop } from '../attempts/attempt-loop';
import { ClientGoneError } from '../attempts/attempt-types';
import { OpenAiHttpError, modelNotFound } from '../errors/openai-error';
import { PROXY_ERROR_RULES, openAiErrorOf } from '../errors/openai-surface';
import { PoolUsageService } from '../backend-api/pool-usage.service';
import { InFlightRequests } from '../in-flight-requests';
import { StreamOutcomes } from '../proxy/stream-outcomes';
import { clientModelOf, prepareResponses, type PreparedRequest } from '../proxy/request-prep';
import { ItemReferences } from '../references/item-references';
import { relayStream } from '../relay/stream-relay';
import { TraceBuilder } from '../trace/trace-builder';
import type { ConversationMemory } from './conversation-memory';
import { FrameWriter, errorFrameOf, frameSink } from './frame-writer';
import { poolRateLimitsFrame } from './pool-rate-limits';

/** What every request on one socket shares: where it came in, its upgrade headers, its client key. */
export interface SocketInfo {
  /** The upgrade's path, recorded as the trace's route. */
  path: string;
  headers: IncomingHttpHeaders;
}

/** Trace method of a request that came as a `response.create` frame, so traces tell socket from HTTP. */
export const WEBSOCKET_METHOD = 'WS';

/** The ChatGPT-shaped socket path, where answers describe the pool's quota as the backend describes one account's. */
export const CHATGPT_SHAPED_PATH = '/backend-api/codex/responses';

/** One frame in flight and everything serving it needs. */
interface FrameRequest {
  info: SocketInfo;
  frame: JsonObject;
  /** The frame's text: what the request leaves untouched goes upstream as the client wrote it. */
  source?: SourceText;
  memory: ConversationMemory;
  trace: TraceBuilder;
  writer: FrameWriter;
  clientKeyId: string | null;
  signal: AbortSignal;
}

const errors = new ErrorRegistry([
  new ErrorTable('proxy', PROXY_ERROR_RULES),
  new ErrorTable('client keys', CLIENT_KEY_ERRORS),
]);

/** Any failure of a frame as the OpenAI error it would have been over HTTP (bugs hide behind internal_error). */
export function socketErrorOf(error: unknown): OpenAiHttpError {
  return error instanceof OpenAiHttpError ? error : openAiErrorOf(errors.problemOf(error));
}

/**
 * One `response.create` frame as an ordinary proxied request (PROTOCOL.md §13.1): the client key's model list and
 * rate limit, the same preparation, attempt loop, commit point, failover, outcomes and trace as HTTP; only the
 * writer differs (frames instead of SSE) and errors become error frames on a socket that stays open.
 */
@Injectable()
export class SocketRequests {
  private readonly logger = new Logger('WebSocket');

  constructor(
    private readonly loop: AttemptLoop,
    private readonly outcomes: StreamOutcomes,
    private readonly catalog: ModelCatalogService,
    private readonly tracing: TracingService,
    private readonly inFlight: InFlightRequests,
    private readonly guard: ClientKeyGuard,
    private readonly poolUsage: PoolUsageService,
    private readonly config: AppConfig,
    private readonly clock: Clock,
    private readonly references: ItemReferences,
  ) {}

  /** Serves one frame to its end; never throws (a failure is an error frame). */
  async serve(
    socket: WebSocket,
    info: SocketInfo,
    frame: JsonObject,
    memory: ConversationMemory,
    source?: SourceText,
  ): Promise<void> {
    const startedAt = performance.now();
    const writer = new FrameWriter(socket);
    let clientKeyId: string | null;
    try {
      clientKeyId = await this.checkKey(info, frame);
    } catch (error) {
      // Refused like the HTTP guard refuses: before a trace exists.
      await writer.write(errorFrameOf(socketErrorOf(error)));
      return;
    }
    const trace = new TraceBuilder({
      id: randomUUID(),
      at: this.clock.now(),
      route: info.path,
      method: WEBSOCKET_METHOD,
      stream: true,
      clientKeyId,
      startedAt,
    });
    trace.model = clientModelOf(frame);
    const abort = new AbortController();
    const onClose = (): void => abort.abort();
    socket.once('close', onClose);
    const release = this.inFlight.begin();
    let terminalWritten = false;
    try {
      await this.answer({ info, frame, source, memory, trace, writer, clientKeyId, signal: abort.signal }, () => {
        terminalWritten = true;
      });
    } catch (error) {
      await this.fail(trace, writer, error, abort.signal.aborted);
    } finally {
      socket.off('close', onClose);
      writer.end();
      if (abort.signal.aborted && !terminalWritten) trace.status = 499;
      else if (trace.status === 0) trace.status = 200;
      if (trace.tokens) trace.costUsd = costUsd(trace.upstreamModel, trace.tokens, this.config.pricing);
      const record = trace.build();
      release();
      if (record) this.tracing.record(record);
    }
  }

  /** The request proper: expand, prepare, the attempt loop, the relay, and what the socket remembers of it. */
  private async answer(request: FrameRequest, onTerminalWritten: () => void): Promise<void> {
    const { info, memory, trace, writer, signal } = request;
    const expanded = memory.expand(request.frame);
    if (this.config.traceIncludeBody) trace.requestBody = redactBody(expanded.body);
    const prepared = this.prepare(expanded.body, info, trace, request.clientKeyId, request.source);
    const success = await this.loop.run(prepared.plan, { trace, signal });
    if (success.kind !== 'stream') throw new Error('A streamed request got a unary answer');
    const end = await relayStream(success, writer, frameSink(this.poolFrame(info, prepared)), {
      signal,
      headers: () => {
        trace.markCommitted();
        // Nothing resends the request past the commit point: the frame's text goes, as HTTP lets go of its body.
        prepared.plan.source = request.source = undefined;
        return {};
      },
      absorb: (event) => this.loop.absorbRateLimits(success.serving.accountId, event),
      onTerminalWritten,
    });
    this.outcomes.relayed({ trace }, prepared, success, end);
    const { accumulator } = success;
    if (end.kind === 'terminal' && !accumulator.error) {
      memory.remember(accumulator.responseId, expanded.input, expanded.bytes, accumulator.output());
    }
  }

  /** Under the ChatGPT-shaped prefix, the pool's quota follows `response.created`, as HTTP answers carry it in headers. */
  private poolFrame(info: SocketInfo, prepared: PreparedRequest): (() => string) | undefined {
    if (info.path !== CHATGPT_SHAPED_PATH) return undefined;
    return () => {
      const { sessionKey, upstreamModel } = prepared.plan;
      const { pool: _pool, ...usage } = this.poolUsage.forClient({
        model: upstreamModel,
        ...(sessionKey ? { sessionKey } : {}),
      });
      return poolRateLimitsFrame(usage);
    };
  }

  /** The client key's model list and requests-per-minute, per frame, exactly as the HTTP guard applies them. */
  private async checkKey(info: SocketInfo, frame: JsonObject): Promise<string | null> {
    const request: { headers: IncomingHttpHeaders; body: unknown; clientKeyId?: string } = {
      headers: info.headers,
      body: frame,
    };
    const context = { switchToHttp: () => ({ getRequest: () => request }) } as unknown as ExecutionContext;
    await this.guard.canActivate(context);
    return request.clientKeyId ?? null;
  }

  private prepare(
    body: JsonObject,
    info: SocketInfo,
    trace: TraceBuilder,
    clientKeyId: string | null,
    source: SourceText | undefined,
  ): PreparedRequest {
    // Frames never carry a transport choice: every answer on a socket is a stream.
    const prepared = prepareResponses({ ...body, stream: true }, false, {
      headers: info.headers,
      modelInfo: (model: string) => this.catalog.find(model)?.info as NativeModelInfo | undefined,
      clientKeyId,
      references: this.references,
      source,
    });
    trace.upstreamModel = prepared.plan.upstreamModel;
    trace.droppedParams = prepared.droppedParams;
    trace.sessionKeyHash = hashSessionKey(prepared.plan.sessionKey);
    trace.expandedReferences = prepared.expandedReferences ?? 0;
    if (!this.catalog.allows(prepared.plan.upstreamModel)) throw modelNotFound(prepared.plan.clientModel);
    return prepared;
  }

  private async fail(trace: TraceBuilder, writer: FrameWriter, error: unknown, clientGone: boolean): Promise<void> {
    if (error instanceof ClientGoneError || clientGone) {
      trace.error ??= 'The client closed the connection';
      return;
    }
    const httpError = socketErrorOf(error);
    if (httpError.status >= 500 && !(error instanceof OpenAiHttpError)) this.logger.error(error);
    trace.status = httpError.status;
    trace.error = httpError.message;
    await writer.write(errorFrameOf(httpError));
  }
}
