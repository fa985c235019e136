import type { FinishReason } from '@mcp/contracts';
import { buildChatCompletion, isToolCall, itemHasContent } from './chat-completion';
import { EVENTS } from './constants';
import { JsonText, stringifyPatched } from './echo-skim';
import { eventData, indexOf, responseOf, stringField, withSuffix } from './events';
import { isRecord, type JsonObject } from './json';
import { rebuildItem, type ItemState, type PartState } from './streamed-items';
import { normalizeUsage, responsesUsage, ZERO_USAGE, type TokenUsage } from './tokens';

export type TerminalKind = 'completed' | 'incomplete' | 'failed' | 'error';

export interface StreamError {
  code: string | null;
  message: string;
  /** Quota reset hints upstream may put in the error (epoch s / seconds); classifyStreamError reads them. */
  resets_at?: number;
  resets_in_seconds?: number;
}

/** What a non-terminal envelope contributes (output, usage, incomplete_details) and what identifies the response. */
const IN_PROGRESS_FIELDS = [
  'id',
  'object',
  'created_at',
  'status',
  'model',
  'output',
  'usage',
  'error',
  'incomplete_details',
];

const TERMINALS: Record<string, TerminalKind> = {
  [EVENTS.completed]: 'completed',
  [EVENTS.incomplete]: 'incomplete',
  [EVENTS.failed]: 'failed',
  [EVENTS.error]: 'error',
};

/**
 * Folds an upstream Responses event stream into what a whole answer needs (PROTOCOL.md §3.5, §5.3, §5.7):
 * the commit point, the terminal event, the rebuilt output, usage and finish reason.
 */
export class ResponseAccumulator {
  /** The commit point (§7.5): the first output_item.added or a terminal event. */
  committed = false;
  /** The first output_item.added was seen (a terminal error before it still allows failover). */
  outputStarted = false;
  terminal: TerminalKind | undefined;
  responseId: string | undefined;
  /** `created_at` of the response, epoch seconds. */
  createdAt: number | undefined;
  model: string | undefined;
  error: StreamError | undefined;
  /** The last `codex.rate_limits` event, as received. */
  rateLimits: JsonObject | undefined;
  /** Events pushed, terminal included. */
  eventCount = 0;

  private envelope: JsonObject | undefined;
  private readonly items = new Map<number, ItemState>();
  private readonly byId = new Map<string, ItemState>();

  push(event: unknown): void {
    const data = eventData(event);
    const type = stringField(data, 'type');
    if (data === undefined || type === undefined || this.terminal !== undefined) return;
    this.eventCount += 1;
    const response = responseOf(data);
    const terminal = TERMINALS[type];
    if (response) this.readEnvelope(response, terminal !== undefined);
    if (terminal) return this.finish(terminal, data, response);
    this.apply(type, data);
  }

  private apply(type: string, data: JsonObject): void {
    switch (type) {
      case EVENTS.itemAdded:
      case EVENTS.itemDone:
        return this.onItem(type, data);
      case EVENTS.contentPartAdded:
        return this.onPartAdded(data);
      case EVENTS.textDelta:
      case EVENTS.refusalDelta:
        return this.onTextDelta(type === EVENTS.textDelta ? 'output_text' : 'refusal', data);
      case EVENTS.textDone:
      case EVENTS.refusalDone:
        return this.onTextDone(type === EVENTS.textDone ? 'output_text' : 'refusal', data);
      case EVENTS.annotationAdded:
        return this.onAnnotation(data);
      case EVENTS.argsDelta:
      case EVENTS.customInputDelta:
        return this.onArgs(data, stringField(data, 'delta') ?? '', false);
      case EVENTS.argsDone:
      case EVENTS.customInputDone:
        return this.onArgs(data, stringField(data, 'arguments') ?? stringField(data, 'input'), true);
      case EVENTS.rateLimits:
        this.rateLimits = data;
        return;
      default:
        return;
    }
  }

  private readEnvelope(response: JsonObject, terminal: boolean): void {
    this.responseId ??= stringField(response, 'id');
    this.model ??= stringField(response, 'model');
    const created = response['created_at'];
    if (this.createdAt === undefined && typeof created === 'number') this.createdAt = created;
    // The terminal envelope is the whole answer (§5.7); earlier ones echo the request (instructions, tools),
    // which a stream must not keep alive for its whole length: only the fields read from it are kept.
    this.envelope = terminal ? response : pick(response, IN_PROGRESS_FIELDS);
  }

  private finish(kind: TerminalKind, data: JsonObject, response: JsonObject | undefined): void {
    this.terminal = kind;
    this.committed = true;
    if (kind === 'failed')
      this.error = errorOf(response?.['error']) ?? { code: null, message: 'Upstream response failed' };
    if (kind === 'error') {
      this.error = errorOf(isRecord(data['error']) ? data['error'] : data) ?? {
        code: null,
        message: 'Upstream stream error',
      };
    }
  }

  private state(data: JsonObject): ItemState {
    const index = indexOf(data, 'output_index');
    const itemId = stringField(data, 'item_id') ?? stringField(isRecord(data['item']) ? data['item'] : undefined, 'id');
    const known =
      (index !== undefined ? this.items.get(index) : undefined) ?? (itemId ? this.byId.get(itemId) : undefined);
    if (known) return known;
    const fresh: ItemState = { index: index ?? this.nextIndex(), parts: new Map(), args: '' };
    this.items.set(fresh.index, fresh);
    if (itemId) this.remember(fresh, itemId);
    return fresh;
  }

  private remember(state: ItemState, id: string): void {
    state.id = id;
    this.byId.set(id, state);
  }

  private nextIndex(): number {
    return this.items.size === 0 ? 0 : Math.max(...this.items.keys()) + 1;
  }

  private onItem(type: string, data: JsonObject): void {
    const item = data['item'];
    if (!isRecord(item)) return;
    const state = this.state(data);
    const id = stringField(item, 'id');
    if (id && !state.id) this.remember(state, id);
    if (type === EVENTS.itemAdded) {
      state.added = item;
      this.outputStarted = this.committed = true;
    } else {
      state.done = item;
    }
  }

  private part(data: JsonObject, kind: PartState['kind']): PartState {
    const state = this.state(data);
    const index = indexOf(data, 'content_index') ?? 0;
    let part = state.parts.get(index);
    if (!part) state.parts.set(index, (part = { kind, text: '', annotations: [] }));
    return part;
  }

  private onPartAdded(data: JsonObject): void {
    const given = isRecord(data['part']) ? data['part'] : {};
    const kind = given['type'] === 'refusal' ? 'refusal' : 'output_text';
    this.part(data, kind);
  }

  private onTextDelta(kind: PartState['kind'], data: JsonObject): void {
    const part = this.part(data, kind);
    part.kind = kind;
    part.text += stringField(data, 'delta') ?? '';
  }

  private onTextDone(kind: PartState['kind'], data: JsonObject): void {
    const part = this.part(data, kind);
    part.text = withSuffix(part.text, stringField(data, kind === 'refusal' ? 'refusal' : 'text'));
  }

  private onAnnotation(data: JsonObject): void {
    const annotation = data['annotation'];
    if (isRecord(annotation)) this.part(data, 'output_text').annotations.push(annotation);
  }

  private onArgs(data: JsonObject, text: string | undefined, full: boolean): void {
    const state = this.state(data);
    state.args = full ? withSuffix(state.args, text) : state.args + (text ?? '');
  }

  /** Final output (§3.5): streamed items by output_index, response.output only for items never streamed. */
  output(): JsonObject[] {
    const given = this.envelope?.['output'];
    const fromResponse = Array.isArray(given) ? given.filter(isRecord) : [];
    const finals = new Map<number, JsonObject>();
    const usedFromResponse = new Set<JsonObject>();
    for (const state of this.items.values()) {
      const match = fromResponse.find((item) => state.id !== undefined && item['id'] === state.id);
      if (match) usedFromResponse.add(match);
      const built = rebuildItem(state, state.done ?? match);
      if (built) finals.set(state.index, built);
    }
    fromResponse.forEach((item, position) => {
      if (usedFromResponse.has(item)) return;
      const index = finals.has(position) ? Math.max(...finals.keys()) + 1 : position;
      finals.set(index, item);
    });
    return [...finals.entries()].sort(([a], [b]) => a - b).map(([, item]) => item);
  }

  /**
   * The terminal event a client should receive (§3.5, §5.7): a `response.completed` / `response.incomplete` whose
   * `output` lacks streamed items (the Codex backend sends `output: []`) comes back with the final output rebuilt,
   * everything else in it untouched. Undefined when the event may go as it is (not such a terminal, or complete).
   * Call it after pushing the event. Any relay (SSE, WebSocket) uses this, so clients' final objects match.
   */
  finalTerminalEvent(data: JsonObject): JsonObject | undefined {
    const output = this.finalOutput(data);
    return output && { ...data, response: { ...responseOf(data), output } };
  }

  /**
   * `JSON.stringify(finalTerminalEvent(data))`, the same text, with the echoed instructions and tools the event still
   * holds as text written as they came when that is what the serialisation would give (see echo-skim.ts).
   */
  finalTerminalEventJson(data: JsonObject): string | undefined {
    const output = this.finalOutput(data);
    const response = responseOf(data);
    if (!output || !response) return undefined;
    return stringifyPatched(data, { response: new JsonText(stringifyPatched(response, { output })) });
  }

  /** The rebuilt output when the terminal event in `data` lacks streamed items (§3.5). */
  private finalOutput(data: JsonObject): JsonObject[] | undefined {
    const type = data['type'];
    if (type !== EVENTS.completed && type !== EVENTS.incomplete) return undefined;
    const response = responseOf(data);
    if (!response || !this.outputLacksStreamedItems(response['output'])) return undefined;
    return this.output();
  }

  private outputLacksStreamedItems(given: unknown): boolean {
    if (!Array.isArray(given)) return this.items.size > 0;
    if (given.length < this.items.size) return true;
    const ids = new Set(given.filter(isRecord).map((item) => item['id']));
    for (const state of this.items.values()) if (state.id !== undefined && !ids.has(state.id)) return true;
    return false;
  }

  /** Normalised token counts (§3.4); undefined when upstream sent no usage. */
  get usage(): TokenUsage | undefined {
    return normalizeUsage(this.envelope?.['usage']);
  }

  get incompleteReason(): string | undefined {
    const details = this.envelope?.['incomplete_details'];
    return isRecord(details) ? stringField(details, 'reason') : undefined;
  }

  /** §5.4; null unless the stream ended with completed / incomplete. */
  get finishReason(): FinishReason {
    if (this.terminal === 'completed') return this.output().some(isToolCall) ? 'tool_calls' : 'stop';
    if (this.terminal !== 'incomplete') return null;
    return this.incompleteReason === 'content_filter' ? 'content_filter' : 'length';
  }

  /** A text, a tool call or a refusal: a completed response without any is `empty_output` (§3.5). */
  get hasContent(): boolean {
    return this.output().some(itemHasContent);
  }

  /** The terminal `response` object with the rebuilt output and usage (native non-streaming reply, §5.7). */
  toResponse(): JsonObject {
    return Object.assign({ ...this.responseBase() }, this.responseChanges());
  }

  /**
   * `JSON.stringify(toResponse())`, the same text, with the echoed instructions and tools the terminal event still
   * holds as text written as they came when that is what the serialisation would give (see echo-skim.ts).
   */
  toResponseJson(): string {
    return stringifyPatched(this.responseBase(), this.responseChanges());
  }

  private responseBase(): JsonObject {
    return (
      this.envelope ?? {
        id: this.responseId ?? null,
        object: 'response',
        created_at: this.createdAt ?? null,
        model: this.model ?? null,
      }
    );
  }

  /** What toResponse sets over the terminal envelope, in the order it sets it. */
  private responseChanges(): JsonObject {
    const changes: JsonObject = {};
    if (this.terminal === 'error') {
      changes['status'] = 'failed';
      changes['error'] = this.error ?? null;
    } else if (this.terminal === undefined) {
      changes['status'] = 'in_progress';
    }
    changes['output'] = this.output();
    const usage = this.envelope?.['usage'];
    changes['usage'] = isRecord(usage) ? usage : responsesUsage(this.usage ?? ZERO_USAGE);
    return changes;
  }

  /** A `chat.completion` for the client's `model` string (§5.3, §5.5). */
  toChatCompletion(model: string, id?: string): JsonObject {
    return buildChatCompletion({
      id,
      model,
      created: this.createdAt,
      items: this.output(),
      finishReason: this.finishReason,
      usage: this.usage ?? ZERO_USAGE,
    });
  }
}

function pick(source: JsonObject, keys: readonly string[]): JsonObject {
  const out: JsonObject = {};
  for (const key of keys) if (key in source) out[key] = source[key];
  return out;
}

function errorOf(value: unknown): StreamError | undefined {
  if (!isRecord(value)) return undefined;
  const message = stringField(value, 'message');
  // `type` is the error's type, except on the `error` event itself where it only names the event.
  const type = value['type'] === 'error' ? undefined : stringField(value, 'type');
  const code = stringField(value, 'code') ?? type ?? null;
  if (message === undefined && code === null) return undefined;
  const error: StreamError = { code, message: message ?? code ?? 'Upstream error' };
  for (const key of ['resets_at', 'resets_in_seconds'] as const) {
    const hint = value[key];
    if (typeof hint === 'number' && Number.isFinite(hint)) error[key] = hint;
  }
  return error;
}
