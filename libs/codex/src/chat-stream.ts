import { ResponseAccumulator } from './accumulator';
import { chatCompletionId } from './chat-completion';
import { DONE_SENTINEL, EVENTS, STREAM_INTERRUPTED } from './constants';
import { eventData, indexOf, missingSuffix, responseOf, stringField, withSuffix } from './events';
import { isRecord, type JsonObject } from './json';
import { sseData } from './sse';
import { chatUsage, ZERO_USAGE } from './tokens';

export interface ChatStreamOptions {
  /** `stream_options.include_usage`: every chunk carries `usage: null`, and a usage chunk precedes [DONE]. */
  includeUsage?: boolean;
  id?: string;
}

interface ToolSlot {
  index: number;
  kind: 'function' | 'custom';
  emitted: string;
}

type Delta = JsonObject;

/**
 * Translates upstream Responses events into `chat.completion.chunk` frames one event at a time (PROTOCOL.md §5.6).
 * `push` returns frames ready to write; `finish` closes a successful stream; `fail` closes it with an error (§12.3).
 */
export class ChatStreamTranslator {
  readonly accumulator = new ResponseAccumulator();
  readonly id: string;
  private created: number | undefined;
  private roleSent = false;
  private closed = false;
  private readonly emittedText = new Map<string, string>();
  private readonly tools = new Map<string, ToolSlot>();
  private readonly pendingArgs = new Map<string, string>();
  private readonly keysByIndex = new Map<number, string>();

  constructor(
    private readonly model: string,
    private readonly options: ChatStreamOptions = {},
  ) {
    this.id = options.id ?? chatCompletionId();
  }

  push(event: unknown): string[] {
    const data = eventData(event);
    const type = stringField(data, 'type');
    if (this.closed || data === undefined || type === undefined || this.accumulator.terminal !== undefined) return [];
    this.accumulator.push(data);
    const frames: string[] = [];
    this.translate(type, data, frames);
    return frames;
  }

  private translate(type: string, data: JsonObject, out: string[]): void {
    switch (type) {
      case EVENTS.itemAdded:
        return this.onItemAdded(data, out);
      case EVENTS.itemDone:
        return isRecord(data['item']) ? this.applyFinalItem(data['item'], this.keyOf(data), out) : undefined;
      case EVENTS.textDelta:
      case EVENTS.refusalDelta:
        return this.emitText(
          this.textKey(data, type),
          type === EVENTS.textDelta ? 'content' : 'refusal',
          stringField(data, 'delta') ?? '',
          out,
        );
      case EVENTS.textDone:
        return this.emitSuffix(this.textKey(data, type), 'content', stringField(data, 'text'), out);
      case EVENTS.refusalDone:
        return this.emitSuffix(this.textKey(data, type), 'refusal', stringField(data, 'refusal'), out);
      case EVENTS.argsDelta:
      case EVENTS.customInputDelta:
        return this.onArgsDelta(this.keyOf(data), stringField(data, 'delta') ?? '', out);
      case EVENTS.argsDone:
      case EVENTS.customInputDone:
        return this.onArgsDone(this.keyOf(data), stringField(data, 'arguments') ?? stringField(data, 'input'), out);
      case EVENTS.completed:
      case EVENTS.incomplete:
        return this.onTerminal(data, out);
      default:
        return;
    }
  }

  /** Terminal success: the finish_reason chunk, the usage chunk (include_usage), then [DONE]. */
  finish(): string[] {
    if (this.closed) return [];
    this.closed = true;
    const out: string[] = [];
    this.ensureRole(out);
    out.push(this.chunk({}, this.accumulator.finishReason ?? 'stop'));
    if (this.options.includeUsage) {
      out.push(sseData({ ...this.envelope(), choices: [], usage: chatUsage(this.accumulator.usage ?? ZERO_USAGE) }));
    }
    out.push(sseData(DONE_SENTINEL));
    return out;
  }

  /** An error after the commit point (§12.3): one error frame, then [DONE]. */
  fail(error: string | { code?: string | null; message?: string } = STREAM_INTERRUPTED, message?: string): string[] {
    if (this.closed) return [];
    this.closed = true;
    const code = typeof error === 'string' ? error : (error.code ?? STREAM_INTERRUPTED);
    const text =
      message ?? (typeof error === 'string' ? undefined : error.message) ?? 'The upstream stream was interrupted.';
    return [sseData({ error: { message: text, type: 'upstream_error', code, param: null } }), sseData(DONE_SENTINEL)];
  }

  private envelope(): JsonObject {
    this.created ??= this.accumulator.createdAt ?? Math.floor(Date.now() / 1000);
    return {
      id: this.id,
      object: 'chat.completion.chunk',
      created: this.created,
      model: this.model,
      system_fingerprint: null,
    };
  }

  private chunk(delta: Delta, finishReason: string | null = null): string {
    const payload: JsonObject = {
      ...this.envelope(),
      choices: [{ index: 0, delta, logprobs: null, finish_reason: finishReason }],
    };
    if (this.options.includeUsage) payload['usage'] = null;
    return sseData(payload);
  }

  /**
   * The role chunk, sent with the first thing a Chat client can see. Before text it is OpenAI's
   * `{role, content: "", refusal: null}`; a reply that opens with a tool call gets the role inside that call's
   * chunk instead, with `content: null` (see `announce`), so clients render no empty text part.
   */
  private ensureRole(out: string[]): void {
    if (this.roleSent) return;
    this.roleSent = true;
    out.push(this.chunk({ role: 'assistant', content: '', refusal: null }));
  }

  /** Deltas are matched to their item by item_id, or by output_index when that is all they carry. */
  private keyOf(data: JsonObject): string {
    const index = indexOf(data, 'output_index');
    const item = isRecord(data['item']) ? data['item'] : undefined;
    const known = index !== undefined ? this.keysByIndex.get(index) : undefined;
    return known ?? stringField(data, 'item_id') ?? stringField(item, 'id') ?? `#${index ?? 0}`;
  }

  private textKey(data: JsonObject, type: string): string {
    const kind = type === EVENTS.textDelta || type === EVENTS.textDone ? 'text' : 'refusal';
    return `${this.keyOf(data)}:${indexOf(data, 'content_index') ?? 0}:${kind}`;
  }

  private onItemAdded(data: JsonObject, out: string[]): void {
    const item = isRecord(data['item']) ? data['item'] : undefined;
    const index = indexOf(data, 'output_index');
    const key = stringField(item, 'id') ?? `#${index ?? 0}`;
    if (index !== undefined) this.keysByIndex.set(index, key);
    if (item && (item['type'] === 'function_call' || item['type'] === 'custom_tool_call'))
      this.announce(key, item, out);
    // A message opens the reply for the client; a reasoning or search item shows it nothing yet.
    else if (item?.['type'] === 'message') this.ensureRole(out);
  }

  private emitText(key: string, field: 'content' | 'refusal', delta: string, out: string[]): void {
    if (delta === '') return;
    this.ensureRole(out);
    this.emittedText.set(key, (this.emittedText.get(key) ?? '') + delta);
    out.push(this.chunk({ [field]: delta }));
  }

  private emitSuffix(key: string, field: 'content' | 'refusal', full: string | undefined, out: string[]): void {
    this.emitText(key, field, missingSuffix(this.emittedText.get(key) ?? '', full), out);
  }

  /** First sight of a tool call: index k in order of appearance, never output_index (§5.6). */
  private announce(key: string, item: JsonObject, out: string[]): ToolSlot {
    const existing = this.tools.get(key);
    if (existing) return existing;
    const kind = item['type'] === 'custom_tool_call' ? 'custom' : 'function';
    const slot: ToolSlot = { index: this.tools.size, kind, emitted: '' };
    this.tools.set(key, slot);
    const id = stringField(item, 'call_id') ?? stringField(item, 'id') ?? '';
    const name = stringField(item, 'name') ?? '';
    const header = kind === 'function' ? { function: { name, arguments: '' } } : { custom: { name, input: '' } };
    const role = this.roleSent ? {} : { role: 'assistant', content: null, refusal: null };
    this.roleSent = true;
    out.push(this.chunk({ ...role, tool_calls: [{ index: slot.index, id, type: kind, ...header }] }));
    const given = stringField(item, kind === 'function' ? 'arguments' : 'input') ?? '';
    this.emitArgs(slot, withSuffix(this.pendingArgs.get(key) ?? '', given), out);
    this.pendingArgs.delete(key);
    return slot;
  }

  private emitArgs(slot: ToolSlot, delta: string, out: string[]): void {
    if (delta === '') return;
    slot.emitted += delta;
    const body = slot.kind === 'function' ? { function: { arguments: delta } } : { custom: { input: delta } };
    out.push(this.chunk({ tool_calls: [{ index: slot.index, ...body }] }));
  }

  private onArgsDelta(key: string, delta: string, out: string[]): void {
    const slot = this.tools.get(key);
    // A delta for a call not announced yet waits for the item that names it.
    if (!slot) this.pendingArgs.set(key, (this.pendingArgs.get(key) ?? '') + delta);
    else this.emitArgs(slot, delta, out);
  }

  private onArgsDone(key: string, full: string | undefined, out: string[]): void {
    const slot = this.tools.get(key);
    if (!slot) this.pendingArgs.set(key, withSuffix(this.pendingArgs.get(key) ?? '', full));
    else this.emitArgs(slot, missingSuffix(slot.emitted, full), out);
  }

  /** An item's final form supplies whatever its deltas did not (§3.5): text suffixes, unseen tool calls. */
  private applyFinalItem(item: JsonObject, key: string, out: string[]): void {
    if (item['type'] === 'message' && Array.isArray(item['content'])) {
      item['content'].forEach((part, j) => {
        if (!isRecord(part)) return;
        if (part['type'] === 'output_text')
          this.emitSuffix(`${key}:${j}:text`, 'content', stringField(part, 'text'), out);
        if (part['type'] === 'refusal')
          this.emitSuffix(`${key}:${j}:refusal`, 'refusal', stringField(part, 'refusal'), out);
      });
      return;
    }
    if (item['type'] !== 'function_call' && item['type'] !== 'custom_tool_call') return;
    const known = this.tools.has(key);
    const slot = this.announce(key, item, out);
    if (known)
      this.emitArgs(
        slot,
        missingSuffix(slot.emitted, stringField(item, slot.kind === 'function' ? 'arguments' : 'input')),
        out,
      );
  }

  /** Items that exist only in response.output (never streamed) still reach the client. */
  private onTerminal(data: JsonObject, out: string[]): void {
    const output = responseOf(data)?.['output'];
    if (!Array.isArray(output)) return;
    const streamedKeys = new Set(this.keysByIndex.values());
    output.forEach((item, position) => {
      if (!isRecord(item)) return;
      const id = stringField(item, 'id');
      const anonymous = this.keysByIndex.get(position)?.startsWith('#') ? this.keysByIndex.get(position) : undefined;
      const key = id !== undefined && streamedKeys.has(id) ? id : (anonymous ?? id ?? `#${position}`);
      this.applyFinalItem(item, key, out);
    });
  }
}
