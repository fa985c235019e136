/** Token counts of a chat reply, as `stream_options.include_usage` reports them (PROTOCOL §5.5). */
export interface ChatUsage {
  promptTokens: number;
  completionTokens: number;
  totalTokens: number;
  cachedTokens: number;
  reasoningTokens: number;
}

/** What one `data:` payload of a chat completion stream tells us. */
export type ChatChunk =
  | { kind: 'done' }
  | { kind: 'error'; message: string; code: string | null }
  | { kind: 'chunk'; content: string; finishReason: string | null; usage: ChatUsage | null };

/**
 * Splits an SSE byte stream (already decoded to text, in arbitrary pieces) into the `data` of each event.
 * Multi-line data is joined with `\n`; comments and other fields are ignored.
 */
export class SseDataDecoder {
  private buffer = '';
  private data: string[] = [];

  push(text: string): string[] {
    this.buffer += text;
    const events: string[] = [];
    let newline = this.buffer.search(/\r\n|\r|\n/);
    while (newline !== -1) {
      const line = this.buffer.slice(0, newline);
      const width = this.buffer.startsWith('\r\n', newline) ? 2 : 1;
      // A lone '\r' at the end may be the first half of '\r\n': wait for the next piece.
      if (width === 1 && this.buffer[newline] === '\r' && newline === this.buffer.length - 1) break;
      this.buffer = this.buffer.slice(newline + width);
      this.line(line, events);
      newline = this.buffer.search(/\r\n|\r|\n/);
    }
    return events;
  }

  /** Flushes an event the server ended without its blank line. */
  end(): string[] {
    const events: string[] = [];
    if (this.buffer !== '') this.line(this.buffer.replace(/\r$/, ''), events);
    this.buffer = '';
    this.line('', events);
    return events;
  }

  private line(line: string, events: string[]): void {
    if (line === '') {
      if (this.data.length > 0) events.push(this.data.join('\n'));
      this.data = [];
      return;
    }
    if (line.startsWith(':')) return;
    const colon = line.indexOf(':');
    const field = colon === -1 ? line : line.slice(0, colon);
    if (field !== 'data') return;
    let value = colon === -1 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    this.data.push(value);
  }
}

function toUsage(raw: unknown): ChatUsage | null {
  if (!raw || typeof raw !== 'object') return null;
  const usage = raw as Record<string, unknown>;
  const num = (value: unknown) => (typeof value === 'number' && Number.isFinite(value) ? value : 0);
  const details = (key: string, field: string) => {
    const nested = usage[key];
    return nested && typeof nested === 'object' ? num((nested as Record<string, unknown>)[field]) : 0;
  };
  const promptTokens = num(usage['prompt_tokens']);
  const completionTokens = num(usage['completion_tokens']);
  return {
    promptTokens,
    completionTokens,
    totalTokens: num(usage['total_tokens']) || promptTokens + completionTokens,
    cachedTokens: details('prompt_tokens_details', 'cached_tokens'),
    reasoningTokens: details('completion_tokens_details', 'reasoning_tokens'),
  };
}

/** One event's `data:` as a JSON object; null for anything else (a partial line, `[DONE]`, a bare value). */
export function parseObject(data: string): Record<string, unknown> | null {
  let parsed: unknown;
  try {
    parsed = JSON.parse(data);
  } catch {
    return null;
  }
  return parsed && typeof parsed === 'object' ? (parsed as Record<string, unknown>) : null;
}

/** Interprets one `data:` payload of `/v1/chat/completions` with `stream: true`. */
export function readChatChunk(data: string): ChatChunk | null {
  if (data.trim() === '[DONE]') return { kind: 'done' };
  const body = parseObject(data);
  if (!body) return null;
  const error = body['error'];
  if (error && typeof error === 'object') {
    const e = error as Record<string, unknown>;
    return {
      kind: 'error',
      message: typeof e['message'] === 'string' ? e['message'] : 'The stream ended with an error.',
      code: typeof e['code'] === 'string' ? e['code'] : null,
    };
  }
  const choices = Array.isArray(body['choices']) ? (body['choices'] as Record<string, unknown>[]) : [];
  let content = '';
  let finishReason: string | null = null;
  for (const choice of choices) {
    const delta = choice['delta'];
    if (delta && typeof delta === 'object') {
      const text = (delta as Record<string, unknown>)['content'];
      if (typeof text === 'string') content += text;
    }
    if (typeof choice['finish_reason'] === 'string') finishReason = choice['finish_reason'];
  }
  return { kind: 'chunk', content, finishReason, usage: toUsage(body['usage']) };
}
