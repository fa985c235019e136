import { type ChatUsage, parseObject } from './chat-stream';

/** What one event of an Anthropic Messages stream (`/v1/messages`, PROTOCOL §14) tells the playground. */
export type MessagesChunk =
  | { kind: 'text'; text: string }
  | { kind: 'usage'; usage: ChatUsage; stopReason: string | null }
  | { kind: 'done' }
  | { kind: 'error'; message: string };

function num(value: unknown): number {
  return typeof value === 'number' && Number.isFinite(value) ? value : 0;
}

/** Anthropic counts cached input apart from `input_tokens`; the playground shows the whole prompt. */
export function messagesUsage(raw: unknown): ChatUsage {
  const usage = raw && typeof raw === 'object' ? (raw as Record<string, unknown>) : {};
  const cachedTokens = num(usage['cache_read_input_tokens']);
  const promptTokens = num(usage['input_tokens']) + cachedTokens + num(usage['cache_creation_input_tokens']);
  const completionTokens = num(usage['output_tokens']);
  return {
    promptTokens,
    completionTokens,
    totalTokens: promptTokens + completionTokens,
    cachedTokens,
    reasoningTokens: 0,
  };
}

/** Interprets one SSE event (its `event:` name and `data:`) of a Messages stream; null for what it ignores. */
export function readMessagesEvent(event: string | undefined, data: string): MessagesChunk | null {
  const body = parseObject(data);
  if (!body) return null;
  const type = typeof body['type'] === 'string' ? body['type'] : event;
  if (type === 'content_block_delta') {
    const delta = body['delta'] as Record<string, unknown> | undefined;
    return delta?.['type'] === 'text_delta' && typeof delta['text'] === 'string'
      ? { kind: 'text', text: delta['text'] }
      : null;
  }
  if (type === 'message_delta') {
    const delta = body['delta'] as Record<string, unknown> | undefined;
    const stopReason = typeof delta?.['stop_reason'] === 'string' ? delta['stop_reason'] : null;
    return { kind: 'usage', usage: messagesUsage(body['usage']), stopReason };
  }
  if (type === 'message_stop') return { kind: 'done' };
  if (type === 'error') {
    const error = body['error'] as Record<string, unknown> | undefined;
    return { kind: 'error', message: typeof error?.['message'] === 'string' ? error['message'] : 'The stream failed.' };
  }
  return null;
}
