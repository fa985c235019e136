import type { ResponseAccumulator } from '../accumulator';
import { EVENTS } from '../constants';
import { eventData, indexOf, missingSuffix, stringField } from '../events';
import { isRecord, type JsonObject } from '../json';
import { serializeSse } from '../sse';
import { anthropicStreamErrorType } from './errors';
import { anthropicMessageId, anthropicStopReason, anthropicUsage, messageText, reasoningText } from './response';

type SlotKind = 'text' | 'tool' | 'thinking' | 'skip';

/** One upstream output item on its way to becoming one Anthropic content block. */
interface Slot {
  kind: SlotKind;
  id: string | undefined;
  item: JsonObject;
  /** Everything received for the block (text, arguments or thinking), emitted or not. */
  received: string;
  /** Deltas waiting for the block to become the open one. */
  pending: string[];
  blockIndex: number | undefined;
  done: boolean;
  closed: boolean;
  summaryIndex: number | undefined;
}

const DELTA_EVENTS: Record<string, SlotKind> = {
  [EVENTS.textDelta]: 'text',
  [EVENTS.refusalDelta]: 'text',
  [EVENTS.argsDelta]: 'tool',
  'response.reasoning_summary_text.delta': 'thinking',
};

function kindOf(item: JsonObject, thinking: boolean): SlotKind {
  switch (item['type']) {
    case 'message':
      return 'text';
    case 'function_call':
      return 'tool';
    case 'reasoning':
      return thinking ? 'thinking' : 'skip';
    default:
      return 'skip';
  }
}

function finalText(slot: Slot, item: JsonObject): string | undefined {
  if (slot.kind === 'text') return messageText(item);
  if (slot.kind === 'tool') return stringField(item, 'arguments');
  if (slot.kind === 'thinking') return reasoningText(item);
  return undefined;
}

export interface AnthropicStreamOptions {
  /** The model string the client sent. */
  model: string;
  thinking: boolean;
  id?: string;
}

/**
 * Translates upstream Responses events into Anthropic's stream one event at a time (PROTOCOL.md §14): message_start
 * and a ping at the commit point, one content block per output item (text, tool_use with input_json_delta, thinking
 * from reasoning summaries), then message_delta (stop_reason, usage) and message_stop. Anthropic clients expect one
 * open block at a time, so an item's deltas wait while an earlier item is still streaming.
 */
export class AnthropicStreamTranslator {
  readonly id: string;
  private started = false;
  private closed = false;
  private nextBlock = 0;
  private readonly slots: Slot[] = [];
  private readonly byKey = new Map<string, Slot>();

  constructor(private readonly options: AnthropicStreamOptions) {
    this.id = options.id ?? anthropicMessageId();
  }

  push(event: unknown): string[] {
    const data = eventData(event);
    const type = stringField(data, 'type');
    if (this.closed || data === undefined || type === undefined) return [];
    const out: string[] = [];
    if (type === EVENTS.itemAdded) this.onAdded(data, out);
    else if (type === EVENTS.itemDone) this.onDone(data, out);
    else if (DELTA_EVENTS[type]) this.onDelta(data, DELTA_EVENTS[type], out);
    return out;
  }

  /** A successful terminal event: whatever the deltas missed, then message_delta and message_stop. */
  finish(accumulator: ResponseAccumulator): string[] {
    if (this.closed) return [];
    const out: string[] = [];
    this.ensureStarted(out);
    const items = accumulator.output();
    items.forEach((item, position) => this.reconcile(item, position));
    for (const slot of this.slots) slot.done = true;
    this.advance(out);
    this.closed = true;
    out.push(
      serializeSse({
        type: 'message_delta',
        delta: { stop_reason: anthropicStopReason(accumulator, items), stop_sequence: null },
        usage: anthropicUsage(accumulator.usage),
      }),
      serializeSse({ type: 'message_stop' }),
    );
    return out;
  }

  /** An error after the commit point (§12.3 for this surface): Anthropic's `event: error` frame, then the end. */
  fail(error: { code?: string | null; message?: string }): string[] {
    if (this.closed) return [];
    this.closed = true;
    const message = error.message ?? 'The upstream stream was interrupted.';
    return [serializeSse({ type: 'error', error: { type: anthropicStreamErrorType(error.code), message } })];
  }

  private ensureStarted(out: string[]): void {
    if (this.started) return;
    this.started = true;
    const message = {
      id: this.id,
      type: 'message',
      role: 'assistant',
      model: this.options.model,
      content: [],
      stop_reason: null,
      stop_sequence: null,
      usage: anthropicUsage(undefined),
    };
    out.push(serializeSse({ type: 'message_start', message }), serializeSse({ type: 'ping' }));
  }

  private onAdded(data: JsonObject, out: string[]): void {
    this.ensureStarted(out);
    const item = isRecord(data['item']) ? data['item'] : {};
    const slot = this.slotFor(data, item);
    if (slot.kind === 'tool') slot.item = item;
    this.advance(out);
  }

  private onDone(data: JsonObject, out: string[]): void {
    const item = isRecord(data['item']) ? data['item'] : {};
    const slot = this.slotFor(data, item);
    this.complete(slot, item);
    this.advance(out);
  }

  private onDelta(data: JsonObject, kind: SlotKind, out: string[]): void {
    const slot = this.find(data);
    if (!slot || slot.kind !== kind) return;
    let delta = stringField(data, 'delta') ?? '';
    if (kind === 'thinking') {
      const part = typeof data['summary_index'] === 'number' ? data['summary_index'] : 0;
      if (slot.summaryIndex !== undefined && part !== slot.summaryIndex && slot.received !== '') delta = `\n\n${delta}`;
      slot.summaryIndex = part;
    }
    this.append(slot, delta, out);
  }

  private find(data: JsonObject): Slot | undefined {
    const id = stringField(data, 'item_id');
    const index = indexOf(data, 'output_index');
    return (id !== undefined ? this.byKey.get(id) : undefined) ?? this.byKey.get(`#${index ?? -1}`);
  }

  private slotFor(data: JsonObject, item: JsonObject): Slot {
    return (
      this.find({ ...data, item_id: stringField(item, 'id') }) ?? this.newSlot(item, indexOf(data, 'output_index'))
    );
  }

  private newSlot(item: JsonObject, index: number | undefined): Slot {
    const slot: Slot = {
      kind: kindOf(item, this.options.thinking),
      id: stringField(item, 'id'),
      item,
      received: '',
      pending: [],
      blockIndex: undefined,
      done: false,
      closed: false,
      summaryIndex: undefined,
    };
    this.slots.push(slot);
    if (slot.id !== undefined) this.byKey.set(slot.id, slot);
    if (index !== undefined) this.byKey.set(`#${index}`, slot);
    return slot;
  }

  /** An item's final form supplies what its deltas did not (never repeating them, §3.5). */
  private complete(slot: Slot, item: JsonObject): void {
    if (slot.done) return;
    slot.done = true;
    if (slot.kind === 'tool') slot.item = { ...slot.item, ...item };
    const suffix = missingSuffix(slot.received, finalText(slot, item));
    if (suffix !== '') {
      slot.received += suffix;
      slot.pending.push(suffix);
    }
  }

  /** Terminal reconciliation: items never streamed at all, or whose done event never came. */
  private reconcile(item: JsonObject, position: number): void {
    const id = stringField(item, 'id');
    const slot =
      id !== undefined
        ? (this.byKey.get(id) ?? this.newSlot(item, undefined))
        : this.slotFor({ output_index: position }, item);
    this.complete(slot, item);
  }

  private append(slot: Slot, delta: string, out: string[]): void {
    if (delta === '') return;
    slot.received += delta;
    slot.pending.push(delta);
    if (slot === this.head()) this.advance(out);
  }

  private head(): Slot | undefined {
    return this.slots.find((slot) => !slot.closed);
  }

  /** Streams the head slot, and closes and moves past every finished one. */
  private advance(out: string[]): void {
    for (let slot = this.head(); slot; slot = this.head()) {
      if (slot.blockIndex === undefined && (slot.kind === 'tool' || slot.pending.length > 0)) this.open(slot, out);
      if (slot.blockIndex !== undefined) this.flush(slot, out);
      if (!slot.done) return;
      slot.closed = true;
      if (slot.blockIndex !== undefined) out.push(serializeSse({ type: 'content_block_stop', index: slot.blockIndex }));
    }
  }

  private open(slot: Slot, out: string[]): void {
    if (slot.kind === 'skip') {
      slot.pending = [];
      return;
    }
    slot.blockIndex = this.nextBlock++;
    out.push(
      serializeSse({ type: 'content_block_start', index: slot.blockIndex, content_block: this.blockStart(slot) }),
    );
  }

  private blockStart(slot: Slot): JsonObject {
    if (slot.kind === 'tool') {
      const id = stringField(slot.item, 'call_id') ?? stringField(slot.item, 'id') ?? '';
      return { type: 'tool_use', id, name: stringField(slot.item, 'name') ?? '', input: {} };
    }
    if (slot.kind === 'thinking') return { type: 'thinking', thinking: '', signature: '' };
    return { type: 'text', text: '', citations: null };
  }

  private flush(slot: Slot, out: string[]): void {
    const index = slot.blockIndex;
    // Arguments that are still only whitespace wait: clients parse every partial_json, and a blank one is not JSON.
    if (slot.kind === 'tool' && slot.received.trim() === '') return;
    for (const text of slot.pending) {
      const delta =
        slot.kind === 'tool'
          ? { type: 'input_json_delta', partial_json: text }
          : slot.kind === 'thinking'
            ? { type: 'thinking_delta', thinking: text }
            : { type: 'text_delta', text };
      out.push(serializeSse({ type: 'content_block_delta', index, delta }));
    }
    slot.pending = [];
  }
}
