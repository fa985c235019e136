import type { IncomingMessage, ServerResponse } from 'node:http';
import { authenticate } from './auth-check';
import { lastUserText, planAnswer, type AnswerPlan } from './answer-builder';
import { checkCompaction } from './compaction';
import { applyFault } from './faults';
import { HttpError, headerValue, parseJsonObject, sendJson } from './http-util';
import { catalogueFor, planEtag } from './models-catalogue';
import { codexHeaders, consume, exhaustedWindow, rollWindows, usageLimitBody } from './quota';
import { modelNotSupported, validateRequest, type Item, type ValidatedRequest } from './request-validation';
import { buildStream, type StreamPlan } from './stream-builder';
import { writeSse } from './sse-writer';
import type { EmulatorState } from './state';
import type { Timers } from './timers';
import type { AccountRecord, Fault } from './types';

type Kind = 'responses' | 'compact';

/** `POST /backend-api/codex/responses` and `/responses/compact`: auth, validation, faults, quota, answer. */
export class ResponsesHandler {
  /** Streams the emulator cut on purpose (`drop`): their close is not a client abort. */
  private readonly dropped = new WeakSet<ServerResponse>();

  constructor(
    private readonly state: EmulatorState,
    private readonly timers: Timers,
  ) {}

  async handle(kind: Kind, req: IncomingMessage, res: ServerResponse, raw: Buffer): Promise<void> {
    const account = authenticate(this.state, req, kind);
    try {
      await this.serve(kind, account, req, res, raw);
    } catch (err) {
      // The real backend sends the x-codex-* headers on errors too (PROTOCOL §4.3).
      if (err instanceof HttpError && !res.headersSent) {
        throw new HttpError(err.status, err.body, {
          ...codexHeaders(account, this.state.now()),
          ...this.baseHeaders(account, req),
          ...err.headers,
        });
      }
      throw err;
    }
  }

  private async serve(
    kind: Kind,
    account: AccountRecord,
    req: IncomingMessage,
    res: ServerResponse,
    raw: Buffer,
  ): Promise<void> {
    const body = parseJsonObject(raw);
    this.state.recordLast(account.id, { route: kind, headers: req.headers, body }, raw);
    const validated = validateRequest(body, account, kind);
    if (kind === 'responses') validated.compaction = checkCompaction(validated, req.headers);
    this.checkIdentity(account, req, validated.model.slug);
    this.recordCacheKey(account, body);
    this.watchAbort(account, res);
    const fault = await applyFault(this.state, this.timers, account, kind, validated.model.slug);
    if (res.destroyed) return;
    const now = this.state.now();
    rollWindows(account, now);
    const exhausted = exhaustedWindow(account);
    if (exhausted) throw new HttpError(429, usageLimitBody(account, exhausted[1], now), codexHeaders(account, now));
    consume(account);
    const headers = { ...codexHeaders(account, now), ...this.baseHeaders(account, req) };
    if (kind === 'compact') {
      sendJson(res, 200, compactBody(validated), headers);
      return;
    }
    await this.stream(account, validated, raw.length, fault, res, headers);
  }

  private checkIdentity(account: AccountRecord, req: IncomingMessage, model: string): void {
    const complete = ['originator', 'version', 'user-agent'].every((h) => Boolean(headerValue(req, h)));
    if (complete) return;
    this.state.bump(this.state.counters.missingIdentity, account.id);
    if (this.state.options.identityRequiredModels.includes(model)) throw modelNotSupported(model);
  }

  private recordCacheKey(account: AccountRecord, body: Record<string, unknown>): void {
    const key = body.prompt_cache_key;
    if (typeof key !== 'string' || key === '') return;
    let set = this.state.counters.promptCacheKeys.get(key);
    if (!set) this.state.counters.promptCacheKeys.set(key, (set = new Set()));
    set.add(account.id);
  }

  private watchAbort(account: AccountRecord, res: ServerResponse): void {
    res.on('close', () => {
      if (!res.writableFinished && !this.dropped.has(res)) {
        this.state.bump(this.state.counters.abortedRequests, account.id);
      }
    });
  }

  private async stream(
    account: AccountRecord,
    req: ValidatedRequest,
    rawLength: number,
    fault: Fault | undefined,
    res: ServerResponse,
    headers: Record<string, string>,
  ): Promise<void> {
    const plan: AnswerPlan = fault?.kind === 'empty' ? { items: [], reasoningTokens: 0 } : planAnswer(req);
    const streamPlan: StreamPlan = {
      state: this.state,
      account,
      req,
      plan,
      inputTokens: Math.max(1, Math.ceil(rawLength / 4)),
      fault,
    };
    const { events, drop } = buildStream(streamPlan);
    res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache', ...headers });
    if (drop) this.dropped.add(res);
    await writeSse(res, events, { deltaIntervalMs: this.state.options.deltaIntervalMs, drop, timers: this.timers });
  }

  /** `x-models-etag` matches the ETag /models gives this plan and client version. */
  private baseHeaders(account: AccountRecord, req: IncomingMessage): Record<string, string> {
    const version = headerValue(req, 'version') ?? '999.0.0';
    return { 'x-models-etag': planEtag(catalogueFor(account.models, version).map((m) => m.slug)) };
  }
}

/** Compaction keeps the user messages and appends a summary message (real replies are opaque JSON). */
function compactBody(req: ValidatedRequest): { output: Item[] } {
  const kept = req.input.filter((it) => (it.type === 'message' || it.type === undefined) && it.role === 'user');
  const summary = `Summary of ${req.input.length} items. Last request: ${lastUserText(req.input)}`;
  return {
    output: [
      ...kept.map((it) => ({ type: 'message', role: 'user', content: it.content })),
      { type: 'message', role: 'user', content: [{ type: 'input_text', text: summary }] },
    ],
  };
}
