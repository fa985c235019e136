import { Injectable } from '@nestjs/common';
import { AppConfig, Clock } from '@mcp/config';
import { classifyStreamError, type ResponseAccumulator } from '@mcp/codex';
import type { AttemptClass } from '@mcp/contracts';
import { RoutingService } from '@mcp/routing';
import { elapsed } from '../attempts/attempt-loop';
import type { ServingAttempt, StreamSuccess } from '../attempts/attempt-types';
import type { RelayEnd } from '../relay/stream-relay';
import { ItemReferences } from '../references/item-references';
import type { ProxyExchange } from './exchange';
import type { PreparedRequest } from './request-prep';

/** All an outcome needs of an exchange: its trace (an HTTP exchange or one WebSocket request). */
type Traced = Pick<ProxyExchange, 'trace'>;

/**
 * What the end of a served request means for the account and the trace: success stamps affinity and lastUsedAt;
 * a failure after the commit point still updates the account's state (§3.6) and is recorded with its class.
 */
@Injectable()
export class StreamOutcomes {
  constructor(
    private readonly routing: RoutingService,
    private readonly config: AppConfig,
    private readonly clock: Clock,
    private readonly references: ItemReferences,
  ) {}

  /** A compact reply passed through. */
  succeeded(exchange: Traced, prepared: PreparedRequest, accountId: string): void {
    this.routing.recordSuccess(accountId, prepared.plan.sessionKey ?? null, prepared.plan.upstreamModel);
    exchange.trace.status = 200;
  }

  /**
   * A non-streaming client: the whole stream was read before the commit point. The trace's part comes before the
   * answer is written; `answered` (the account's and the item memory's part) after, off the client's wait. Both run
   * in the same turn of the event loop, so no later request can miss what `answered` records.
   */
  aggregated(exchange: Traced, success: StreamSuccess): void {
    this.recordAttempt(exchange, success.serving, 'ok');
    this.noteAnswer(exchange, success.accumulator);
  }

  answered(prepared: PreparedRequest, success: StreamSuccess): void {
    this.rememberItems(prepared, success.accumulator);
    this.routing.recordSuccess(
      success.serving.accountId,
      prepared.plan.sessionKey ?? null,
      prepared.plan.upstreamModel,
    );
  }

  relayed(exchange: Traced, prepared: PreparedRequest, success: StreamSuccess, end: RelayEnd): void {
    const { serving, accumulator } = success;
    const trace = exchange.trace;
    const model = prepared.plan.upstreamModel;
    trace.status = 200;
    this.noteAnswer(exchange, accumulator);
    switch (end.kind) {
      case 'terminal':
        this.recordAttempt(exchange, serving, 'ok');
        this.routing.recordSuccess(serving.accountId, prepared.plan.sessionKey ?? null, model);
        this.rememberItems(prepared, accumulator);
        return;
      case 'failed': {
        const failure = classifyStreamError(end.error, this.clock.now(), this.config);
        if (failure.kind !== 'client') this.routing.recordFailure(serving.accountId, model, failure);
        this.recordAttempt(exchange, serving, failure.kind, failure.message);
        trace.error = `Upstream failed after the answer started: ${failure.message}`;
        trace.noteUpstreamError(JSON.stringify(end.error));
        trace.finishReason = null;
        return;
      }
      case 'interrupted':
        this.routing.recordFailure(serving.accountId, model, end.failure);
        this.recordAttempt(exchange, serving, end.cls, end.failure.message);
        trace.error = end.failure.message;
        trace.finishReason = null;
        return;
      case 'client_gone':
        this.recordAttempt(exchange, serving, 'aborted', 'The client closed the connection');
        trace.error = 'The client closed the connection';
        return;
    }
  }

  private noteAnswer(exchange: Traced, accumulator: ResponseAccumulator): void {
    const trace = exchange.trace;
    trace.finishReason = accumulator.finishReason;
    const usage = accumulator.usage;
    if (usage) trace.tokens = usage;
  }

  /** A native Responses answer's items, as the accumulator already holds them, for later `item_reference`s. */
  private rememberItems(prepared: PreparedRequest, accumulator: ResponseAccumulator): void {
    if (prepared.referenceScope === undefined) return;
    if (accumulator.terminal !== 'completed' && accumulator.terminal !== 'incomplete') return;
    this.references.remember(prepared.referenceScope, accumulator.output());
  }

  private recordAttempt(exchange: Traced, serving: ServingAttempt, cls: AttemptClass, message?: string): void {
    const attempt = {
      accountId: serving.accountId,
      status: serving.status,
      class: cls,
      latencyMs: elapsed(serving.startedAt),
    };
    exchange.trace.addAttempt(message === undefined ? attempt : { ...attempt, message });
  }
}
