import { Injectable } from '@nestjs/common';
import type { ServerResponse } from 'node:http';
import { ModelCatalogService } from '@mcp/accounts';
import { AppConfig, Clock } from '@mcp/config';
import { costUsd, hashSessionKey, isRecord, SourceText, type NativeModelInfo } from '@mcp/codex';
import { MetricsService, TracingService } from '@mcp/tracing';
import { AttemptLoop } from '../attempts/attempt-loop';
import { ClientGoneError, type AttemptSuccess, type StreamSuccess } from '../attempts/attempt-types';
import { modelNotFound, renderOpenAiError } from '../errors/openai-error';
import { toOpenAiHttpError } from '../errors/openai-surface';
import { InFlightRequests } from '../in-flight-requests';
import { chatSink, nativeSink, relayStream, type StreamSink } from '../relay/stream-relay';
import { ensureRequestId, type ProxyRequest } from '../request-context';
import { TraceBuilder } from '../trace/trace-builder';
import { ProxyExchange } from './exchange';
import { clientModelOf, prepareChat, prepareResponses, wantsStream, type PreparedRequest } from './request-prep';
import { ItemReferences } from '../references/item-references';
import { StreamOutcomes } from './stream-outcomes';
import type { TranslatedSurface } from './translated-surface';

type Route = 'responses' | 'compact' | 'chat' | 'translated';

/**
 * The three proxied routes end to end: prepare the upstream body, run the attempt loop, answer the client
 * (relay or aggregate), and hand exactly one trace to TracingModule when the request ends.
 */
@Injectable()
export class ProxyService {
  constructor(
    private readonly loop: AttemptLoop,
    private readonly outcomes: StreamOutcomes,
    private readonly catalog: ModelCatalogService,
    private readonly tracing: TracingService,
    private readonly metrics: MetricsService,
    private readonly inFlight: InFlightRequests,
    private readonly config: AppConfig,
    private readonly clock: Clock,
    private readonly references: ItemReferences,
  ) {}

  responses(req: ProxyRequest, res: ServerResponse): Promise<void> {
    return this.handle('responses', req, res);
  }

  compact(req: ProxyRequest, res: ServerResponse): Promise<void> {
    return this.handle('compact', req, res);
  }

  chat(req: ProxyRequest, res: ServerResponse): Promise<void> {
    return this.handle('chat', req, res);
  }

  /** A translated surface (Anthropic Messages) through the same loop, commit point, failover and trace. */
  serve(surface: TranslatedSurface, req: ProxyRequest, res: ServerResponse): Promise<void> {
    return this.handle('translated', req, res, surface);
  }

  private async handle(
    route: Route,
    req: ProxyRequest,
    res: ServerResponse,
    surface?: TranslatedSurface,
  ): Promise<void> {
    const exchange = this.open(route, req, res);
    try {
      const prepared = this.prepare(route, exchange, surface);
      const success = await this.loop.run(prepared.plan, exchange.ctx);
      await this.deliver(route, exchange, prepared, success, surface);
    } catch (error) {
      this.fail(exchange, error, surface);
    } finally {
      this.close(exchange);
    }
  }

  private open(route: Route, req: ProxyRequest, res: ServerResponse): ProxyExchange {
    const id = ensureRequestId(req, res);
    const trace = new TraceBuilder({
      id,
      at: this.clock.now(),
      route: req.originalUrl ?? req.url ?? '/',
      method: req.method ?? 'POST',
      stream: route !== 'compact' && wantsStream(req.body),
      clientKeyId: req.clientKeyId ?? null,
      startedAt: req.receivedAt,
    });
    trace.model = clientModelOf(req.body);
    if (this.config.traceIncludeBody && req.body !== undefined) trace.keepRequestBody(req.body, req.bodyText);
    return new ProxyExchange(req, res, trace, this.inFlight.begin());
  }

  private prepare(route: Route, exchange: ProxyExchange, surface?: TranslatedSurface): PreparedRequest {
    const options = {
      headers: exchange.req.headers,
      modelInfo: (model: string) => this.catalog.find(model)?.info as NativeModelInfo | undefined,
      clientKeyId: exchange.req.clientKeyId ?? null,
      references: this.references,
    };
    const body: unknown = exchange.req.body;
    const prepared = surface
      ? surface.prepare(body, options)
      : route === 'chat'
        ? prepareChat(body, options)
        : prepareResponses(body, route === 'compact', { ...options, source: sourceOf(exchange.req) });
    const trace = exchange.trace;
    trace.upstreamModel = prepared.plan.upstreamModel;
    trace.droppedParams = prepared.droppedParams;
    trace.sessionKeyHash = hashSessionKey(prepared.plan.sessionKey);
    trace.expandedReferences = prepared.expandedReferences ?? 0;
    // A model missing from a discovered catalogue is refused before any account is tried (§9.2).
    if (!this.catalog.allows(prepared.plan.upstreamModel)) throw modelNotFound(prepared.plan.clientModel);
    return prepared;
  }

  private async deliver(
    route: Route,
    exchange: ProxyExchange,
    prepared: PreparedRequest,
    success: AttemptSuccess,
    surface?: TranslatedSurface,
  ): Promise<void> {
    if (success.kind === 'json') {
      exchange.trace.markCommitted();
      this.outcomes.succeeded(exchange, prepared, success.serving.accountId);
      exchange.sendJson(success.status, success.body, success.contentType);
      return;
    }
    if (prepared.stream) {
      const sink =
        surface?.sink(prepared) ??
        (route === 'chat' ? chatSink(prepared.plan.clientModel, prepared.includeUsage) : nativeSink());
      await this.relay(exchange, prepared, success, sink);
      return;
    }
    exchange.trace.markCommitted();
    this.outcomes.aggregated(exchange, success);
    const accumulator = success.accumulator;
    const body = surface
      ? surface.aggregate(accumulator, prepared)
      : route === 'chat'
        ? accumulator.toChatCompletion(prepared.plan.clientModel)
        : accumulator.toResponseJson();
    exchange.sendJson(200, typeof body === 'string' ? body : JSON.stringify(body));
    this.outcomes.answered(prepared, success);
  }

  private async relay(
    exchange: ProxyExchange,
    prepared: PreparedRequest,
    success: StreamSuccess,
    sink: StreamSink,
  ): Promise<void> {
    const end = await relayStream(success, exchange.writer, sink, {
      signal: exchange.signal,
      headers: () => {
        exchange.trace.markCommitted();
        releaseRequestBody(exchange, prepared);
        return exchange.commonHeaders();
      },
      absorb: (event) => this.loop.absorbRateLimits(success.serving.accountId, event),
      onTerminalWritten: () => (exchange.terminalRelayed = true),
    });
    this.outcomes.relayed(exchange, prepared, success, end);
  }

  private fail(exchange: ProxyExchange, error: unknown, surface?: TranslatedSurface): void {
    const trace = exchange.trace;
    if (error instanceof ClientGoneError || exchange.clientGone) {
      trace.error ??= 'The client closed the connection';
      exchange.writer.end();
      return;
    }
    const httpError = toOpenAiHttpError(error);
    trace.status = httpError.status;
    trace.error = httpError.message;
    if (!exchange.res.headersSent) {
      exchange.res.setHeader('x-proxy-overhead-ms', String(trace.overheadMs()));
    }
    if (surface) surface.renderError(exchange.res, httpError, trace.id);
    else renderOpenAiError(exchange.res, httpError, trace.id);
    exchange.writer.stopKeepalive();
  }

  /** Exactly one trace per request, whichever path ended it. */
  private close(exchange: ProxyExchange): void {
    const trace = exchange.trace;
    if (exchange.clientGone && !exchange.terminalRelayed) trace.status = 499;
    else if (trace.status === 0) trace.status = exchange.res.statusCode;
    if (trace.tokens) trace.costUsd = costUsd(trace.upstreamModel, trace.tokens, this.config.pricing);
    const record = trace.build();
    exchange.release();
    if (!record) return;
    this.tracing.record(record); // also feeds /metrics: counting here too would double every request
  }
}

/** The client's text beside its parse, for the upstream body (translated routes build theirs anew). */
function sourceOf(req: ProxyRequest): SourceText | undefined {
  const text = req.bodyText;
  return text !== undefined && isRecord(req.body) ? new SourceText(text, req.body) : undefined;
}

/** What `plan.body` becomes once released: nothing reads it past the commit point. */
const RELEASED_BODY = Object.freeze({});

/**
 * Past the commit point nothing resends the request (no failover after commit, §7.5), so a stream that may stay
 * open for minutes lets go of the parsed body and its text (~75 KB for a Codex-CLI request; issue 20's 1,000 open
 * streams). The trace keeps its own copy of what it records.
 */
function releaseRequestBody(exchange: ProxyExchange, prepared: PreparedRequest): void {
  exchange.req.body = undefined;
  exchange.req.bodyText = undefined;
  prepared.plan.body = RELEASED_BODY;
  prepared.plan.source = undefined;
}
