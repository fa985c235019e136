import { randomBytes } from 'node:crypto';
import type { ResponseAccumulator } from '../accumulator';
import { stringField } from '../events';
import { isRecord, tryParseJson, type JsonObject } from '../json';
import { ZERO_USAGE, type TokenUsage } from '../tokens';

export type AnthropicStopReason = 'end_turn' | 'tool_use' | 'max_tokens' | 'refusal';

export interface AnthropicUsage {
  input_tokens: number;
  output_tokens: number;
  cache_creation_input_tokens: number;
  cache_read_input_tokens: number;
}

export function anthropicMessageId(): string {
  return `msg_${randomBytes(12).toString('hex')}`;
}

/** Anthropic counts cached input apart: `input_tokens` excludes it, `cache_read_input_tokens` is it (§3.4, §14). */
export function anthropicUsage(usage: TokenUsage | undefined): AnthropicUsage {
  const t = usage ?? ZERO_USAGE;
  return {
    input_tokens: t.input - t.cached,
    output_tokens: t.output,
    cache_creation_input_tokens: 0,
    cache_read_input_tokens: t.cached,
  };
}

function hasRefusal(items: JsonObject[]): boolean {
  return items.some(
    (item) =>
      item['type'] === 'message' &&
      Array.isArray(item['content']) &&
      item['content'].some((part) => isRecord(part) && part['type'] === 'refusal'),
  );
}

/** tool_use when the answer calls a tool; max_tokens when upstream cut it short; refusal for a content filter. */
export function anthropicStopReason(
  accumulator: ResponseAccumulator,
  items = accumulator.output(),
): AnthropicStopReason {
  if (accumulator.terminal === 'incomplete') {
    return accumulator.incompleteReason === 'content_filter' ? 'refusal' : 'max_tokens';
  }
  if (items.some((item) => item['type'] === 'function_call')) return 'tool_use';
  return hasRefusal(items) ? 'refusal' : 'end_turn';
}

/** A tool's arguments as the `input` object Anthropic clients expect; unparsable text is kept, never lost. */
export function toolInput(args: string | undefined): unknown {
  if (args === undefined || args.trim() === '') return {};
  const parsed = tryParseJson(args);
  return parsed === undefined ? { _raw_arguments: args } : parsed;
}

/** The text of a message item: its output_text and refusal parts, in order. */
export function messageText(item: JsonObject): string {
  const content = Array.isArray(item['content']) ? item['content'] : [];
  return content
    .map((part) => (isRecord(part) ? (stringField(part, 'text') ?? stringField(part, 'refusal') ?? '') : ''))
    .join('');
}

/** A reasoning item's summary parts, joined by a blank line as they are streamed. */
export function reasoningText(item: JsonObject): string {
  const summary = Array.isArray(item['summary']) ? item['summary'] : [];
  return summary
    .map((part) => (isRecord(part) ? (stringField(part, 'text') ?? '') : ''))
    .filter((text) => text !== '')
    .join('\n\n');
}

/** One upstream output item as Anthropic content blocks (none for items a Messages client has no use for). */
export function contentBlocks(item: JsonObject, thinking: boolean): JsonObject[] {
  switch (item['type']) {
    case 'message': {
      const text = messageText(item);
      return text === '' ? [] : [{ type: 'text', text, citations: null }];
    }
    case 'function_call':
      return [
        {
          type: 'tool_use',
          id: stringField(item, 'call_id') ?? stringField(item, 'id') ?? '',
          name: stringField(item, 'name') ?? '',
          input: toolInput(stringField(item, 'arguments')),
        },
      ];
    case 'reasoning': {
      // A reasoning item without summary text has nothing to show: no empty thinking block (as when streamed).
      const text = thinking ? reasoningText(item) : '';
      return text === '' ? [] : [{ type: 'thinking', thinking: text, signature: '' }];
    }
    default:
      return [];
  }
}

export interface AnthropicMessageOptions {
  /** The model string the client sent. */
  model: string;
  thinking: boolean;
  id?: string;
}

/** The non-streaming answer (PROTOCOL.md §14, third bullet) from a whole upstream stream. */
export function buildAnthropicMessage(accumulator: ResponseAccumulator, options: AnthropicMessageOptions): JsonObject {
  const items = accumulator.output();
  return {
    id: options.id ?? anthropicMessageId(),
    type: 'message',
    role: 'assistant',
    model: options.model,
    content: items.flatMap((item) => contentBlocks(item, options.thinking)),
    stop_reason: anthropicStopReason(accumulator, items),
    stop_sequence: null,
    usage: anthropicUsage(accumulator.usage),
  };
}
