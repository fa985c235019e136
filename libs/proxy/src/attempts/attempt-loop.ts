import { performance } from 'node:perf_hooks';
import type { IncomingHttpHeaders } from 'node:http';
import { Injectable, Optional } from '@nestjs/common';
import { AccountsService, ModelCatalogService, NeedsReauthError, TokenService } from '@mcp/accounts';
import { AppConfig, Clock, SystemTimers, Timers } from '@mcp/config';
import {
  EVENTS,
  HEADERS,
  ResponseAccumulator,
  classifyUpstreamError,
  compactionOutputProblem,
  networkFailure,
  normalizeCompactionEvent,
  type SseEvent,
  type UpstreamFailure,
} from '@mcp/codex';
import type { AttemptClass } from '@mcp/contracts';
import { NoAccountAvailableError, RoutingService } from '@mcp/routing';
import { MetricsService } from '@mcp/tracing';
import { finalError, upstreamClientError } from '../errors/final-error';
import { UpstreamClient, readErrorBody, readWholeBody, type UpstreamResponse } from '../upstream/upstream-client';
import { upstreamEvents } from '../upstream/upstream-events';
import {
  ClientGoneError,
  type AttemptContext,
  type AttemptOutcome,
  type AttemptSuccess,
  type UpstreamPlan,
} from './attempt-types';
import { QuotaReports } from './quota-reports';
import { describeError, readUntilCommit } from './read-until-commit';

const BACKOFF_BASE_MS = 500;
const BACKOFF_JITTER_MS = 250;
const TRANSIENT_CLASSES: ReadonlySet<AttemptClass> = new Set(['transient', 'empty_output', 'truncated']);

/** The account an attempt uses: its id and the workspace header it needs. */
interface AttemptTarget {
  id: string;
  workspace: string | undefined;
}

/** Failover bookkeeping of one request. */
interface LoopState {
  tried: Set<string>;
  transient: string[];
  retries: number;
}

/**
 * The attempt loop of PROTOCOL.md §7.5: choose an account, make sure its token is fresh, call upstream, classify.
 * It ends with a committed answer, a client error (at once), or the §12.2 error once no candidate is left.
 */
@Injectable()
export class AttemptLoop {
  private readonly timers: Timers;
  private readonly quotaReports: QuotaReports;

  constructor(
    private readonly routing: RoutingService,
    private readonly accounts: AccountsService,
    private readonly tokens: TokenService,
    private readonly catalog: ModelCatalogService,
    private readonly upstream: UpstreamClient,
    private readonly metrics: MetricsService,
    private readonly config: AppConfig,
    private readonly clock: Clock,
    @Optional() timers?: Timers,
  ) {
    this.timers = timers ?? new SystemTimers();
    this.quotaReports = new QuotaReports(accounts);
  }

  async run(plan: UpstreamPlan, ctx: AttemptContext): Promise<AttemptSuccess> {
    const state: LoopState = { tried: new Set(), transient: [], retries: 0 };
    for (;;) {
      const accountId = await this.nextAccount(plan, ctx, state);
      ctx.trace.accountId = accountId;
      const account = this.accounts.snapshotOf(accountId);
      ctx.trace.accountEmail = account?.email ?? null;
      const outcome = await this.attemptRecordingAbort(
        { id: accountId, workspace: account?.chatgptAccountId },
        plan,
        ctx,
      );
      if (outcome.ok) return outcome.success;
      if (outcome.failure.kind === 'client') throw upstreamClientError(outcome.failure.message, outcome.failure.code);
      this.routing.recordFailure(accountId, plan.upstreamModel, outcome.failure);
      this.metrics.failover(outcome.cls);
      state.tried.add(accountId);
      if (TRANSIENT_CLASSES.has(outcome.cls) && !state.transient.includes(accountId)) state.transient.push(accountId);
    }
  }

  /** A `codex.rate_limits` event updates the account's quota and is never relayed (§3.2, §4.3). */
  absorbRateLimits(accountId: string, event: SseEvent): boolean {
    if (event.type !== EVENTS.rateLimits) return false;
    this.quotaReports.absorbEvent(accountId, event, this.clock.now());
    return true;
  }

  /** Routing's next candidate; with none left, a backed-off retry of a transiently failed account, else §12.2. */
  private async nextAccount(plan: UpstreamPlan, ctx: AttemptContext, state: LoopState): Promise<string> {
    try {
      const decision = await this.routing.chooseOrWait(
        plan.upstreamModel,
        { sessionKey: plan.sessionKey ?? null, excluded: state.tried },
        ctx.signal,
      );
      ctx.trace.routing = decision;
      const chosen = decision.candidates[0];
      if (chosen) return chosen.accountId;
      throw new Error('Routing returned no candidate');
    } catch (error) {
      if (ctx.signal.aborted) throw new ClientGoneError();
      if (!(error instanceof NoAccountAvailableError)) throw error;
      const retry = this.retryTarget(state);
      if (retry === undefined) {
        // The trace says why nobody was left: each account's block, or that it failed in this request.
        ctx.trace.routing = { sessionAffinity: false, candidates: [], skipped: error.skipped };
        throw finalError(error, ctx.trace.attempts, {
          now: this.clock.now(),
          transientCooldownMs: this.config.transientCooldownMs,
        });
      }
      await this.backoff(state.retries - 1, ctx.signal);
      ctx.trace.routing = {
        sessionAffinity: false,
        candidates: [{ accountId: retry, tier: 3, reason: `retry ${state.retries} after a transient failure` }],
        skipped: error.skipped,
      };
      return retry;
    }
  }

  private retryTarget(state: LoopState): string | undefined {
    if (state.transient.length === 0 || state.retries >= this.config.upstreamTransientRetries) return undefined;
    const target = state.transient[state.retries % state.transient.length];
    state.retries += 1;
    return target;
  }

  private async backoff(n: number, signal: AbortSignal): Promise<void> {
    const delay = BACKOFF_BASE_MS * 2 ** n + Math.floor(this.timers.random() * BACKOFF_JITTER_MS);
    try {
      await this.timers.sleep(delay, signal);
    } catch {
      throw new ClientGoneError();
    }
  }

  /** A disconnect mid-attempt still leaves that attempt in the trace, as `aborted`. */
  private async attemptRecordingAbort(
    target: AttemptTarget,
    plan: UpstreamPlan,
    ctx: AttemptContext,
  ): Promise<AttemptOutcome> {
    const startedAt = performance.now();
    try {
      return await this.attemptAccount(target, plan, ctx);
    } catch (error) {
      if (error instanceof ClientGoneError) {
        ctx.trace.addAttempt({
          accountId: target.id,
          status: null,
          class: 'aborted',
          latencyMs: elapsed(startedAt),
          message: error.message,
        });
      }
      throw error;
    }
  }

  /** One account: a fresh token, the call, and on a 401 one refresh and one retry (§4.2 auth row). */
  private async attemptAccount(
    target: AttemptTarget,
    plan: UpstreamPlan,
    ctx: AttemptContext,
  ): Promise<AttemptOutcome> {
    const accountId = target.id;
    let token: string;
    try {
      token = await this.tokens.accessToken(accountId);
    } catch (error) {
      return this.tokenFailure(accountId, error, ctx);
    }
    const first = await this.attemptWithToken(target, token, plan, ctx);
    if (first.ok || first.failure.kind !== 'auth') return first;
    try {
      token = await this.tokens.refresh(accountId, token);
    } catch (error) {
      return this.tokenFailure(accountId, error, ctx);
    }
    const second = await this.attemptWithToken(target, token, plan, ctx);
    if (!second.ok && second.failure.kind === 'auth') {
      await this.accounts.markNeedsReauth(
        accountId,
        `Upstream rejected a freshly refreshed token: ${second.failure.message}`,
      );
    }
    return second;
  }

  private tokenFailure(accountId: string, error: unknown, ctx: AttemptContext): AttemptOutcome {
    if (ctx.signal.aborted) throw new ClientGoneError();
    const message = error instanceof NeedsReauthError ? error.message : `Token unavailable: ${describeError(error)}`;
    const failure: UpstreamFailure = { kind: 'auth', status: null, code: 'token_unavailable', message };
    ctx.trace.addAttempt({ accountId, status: null, class: 'auth', latencyMs: 0, message });
    return { ok: false, failure, cls: 'auth' };
  }

  private async attemptWithToken(
    target: AttemptTarget,
    token: string,
    plan: UpstreamPlan,
    ctx: AttemptContext,
  ): Promise<AttemptOutcome> {
    const accountId = target.id;
    const startedAt = performance.now();
    let response: UpstreamResponse;
    try {
      response = await ctx.trace.waitUpstream(
        this.upstream.send({
          accessToken: token,
          chatgptAccountId: target.workspace,
          body: plan.body,
          source: plan.source,
          sessionKey: plan.sessionKey,
          compact: plan.compact,
          signal: ctx.signal,
          betaFeatures: plan.betaFeatures,
        }),
      );
    } catch (error) {
      if (ctx.signal.aborted) throw new ClientGoneError();
      const timeout = (error as { code?: string }).code === 'UND_ERR_HEADERS_TIMEOUT';
      const failure = timeout
        ? networkFailure('No upstream response headers within UPSTREAM_HEADERS_TIMEOUT_MS', 'timeout')
        : networkFailure(`The upstream connection failed: ${describeError(error)}`);
      return this.failed(ctx, accountId, startedAt, null, failure, 'transient');
    }
    this.absorbHeaders(accountId, response.headers, ctx);
    if (response.status < 200 || response.status >= 300) return this.httpFailure(accountId, startedAt, response, ctx);
    const serving = { accountId, status: response.status, startedAt };
    if (plan.compact) return this.readCompact(serving, response, ctx);
    return this.readStream(serving, response, plan, ctx);
  }

  private async httpFailure(
    accountId: string,
    startedAt: number,
    response: UpstreamResponse,
    ctx: AttemptContext,
  ): Promise<AttemptOutcome> {
    const bodyText = await ctx.trace.waitUpstream(readErrorBody(response.body));
    if (ctx.signal.aborted) throw new ClientGoneError();
    const failure = classifyUpstreamError({
      status: response.status,
      bodyText,
      headers: response.headers,
      now: this.clock.now(),
      snapshot: this.accounts.snapshotOf(accountId)?.usage,
      config: this.config,
    });
    return this.failed(ctx, accountId, startedAt, response.status, failure, failure.kind);
  }

  private async readCompact(
    serving: AttemptSuccessServing,
    response: UpstreamResponse,
    ctx: AttemptContext,
  ): Promise<AttemptOutcome> {
    try {
      const body = await ctx.trace.waitUpstream(readWholeBody(response.body, this.config.requestBodyLimitBytes));
      const contentType = headerValue(response.headers['content-type']) ?? 'application/json';
      ctx.trace.addAttempt({
        accountId: serving.accountId,
        status: serving.status,
        class: 'ok',
        latencyMs: elapsed(serving.startedAt),
      });
      return { ok: true, success: { kind: 'json', serving, status: response.status, body, contentType } };
    } catch (error) {
      if (ctx.signal.aborted) throw new ClientGoneError();
      const failure = networkFailure(`The upstream compact reply failed: ${describeError(error)}`);
      return this.failed(ctx, serving.accountId, serving.startedAt, serving.status, failure, 'transient');
    }
  }

  private async readStream(
    serving: AttemptSuccessServing,
    response: UpstreamResponse,
    plan: UpstreamPlan,
    ctx: AttemptContext,
  ): Promise<AttemptOutcome> {
    const accumulator = new ResponseAccumulator();
    const held: SseEvent[] = [];
    // Only the waits for upstream bytes are left out of the overhead: parsing what arrived is the gateway's work.
    const events = upstreamEvents(response.body, {
      wait: (promise) => ctx.trace.waitUpstream(promise),
      ...(plan.compaction ? { transform: normalizeCompactionEvent } : {}),
    });
    const result = await readUntilCommit(events, accumulator, held, {
      commitAt: plan.commitAt,
      signal: ctx.signal,
      absorb: (event) => this.absorbRateLimits(serving.accountId, event),
      now: () => this.clock.now(),
      classify: this.config,
      lastUsage: () => this.accounts.snapshotOf(serving.accountId)?.usage,
      ...(plan.compaction ? { verifyAnswer: verifyCompaction } : {}),
    });
    if (!result.ok) {
      if (!response.body.destroyed) response.body.destroy();
      if (accumulator.error) ctx.trace.noteUpstreamError(JSON.stringify(accumulator.error));
      return this.failed(ctx, serving.accountId, serving.startedAt, serving.status, result.failure, result.cls);
    }
    return { ok: true, success: { kind: 'stream', serving, accumulator, held, events, body: response.body } };
  }

  private failed(
    ctx: AttemptContext,
    accountId: string,
    startedAt: number,
    status: number | null,
    failure: UpstreamFailure,
    cls: AttemptClass,
  ): AttemptOutcome {
    ctx.trace.addAttempt({ accountId, status, class: cls, latencyMs: elapsed(startedAt), message: failure.message });
    ctx.trace.noteUpstreamError(failure.upstreamBody);
    return { ok: false, failure, cls };
  }

  /** Every upstream response refreshes the account's quota snapshot; a new models etag triggers rediscovery. */
  private absorbHeaders(accountId: string, headers: IncomingHttpHeaders, ctx: AttemptContext): void {
    this.quotaReports.absorbHeaders(accountId, headers, this.clock.now());
    this.catalog.noteModelsEtag(headerValue(headers[HEADERS.modelsEtag]));
    const requestId =
      headerValue(headers[HEADERS.requestId]) ??
      headerValue(headers[HEADERS.oaiRequestId]) ??
      headerValue(headers[HEADERS.cfRay]);
    if (requestId) ctx.trace.upstreamRequestId = requestId;
  }
}

type AttemptSuccessServing = AttemptSuccess['serving'];

/** A compaction answer is usable only when it ended well and holds exactly one `compaction` item (§13.3). */
function verifyCompaction(accumulator: ResponseAccumulator): string | undefined {
  if (accumulator.terminal === 'incomplete') return 'The upstream compaction stream ended incomplete';
  return compactionOutputProblem(accumulator.output());
}

function headerValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

export function elapsed(startedAt: number): number {
  return Math.round(performance.now() - startedAt);
}
