import { createParser, type EventSourceParser } from 'eventsource-parser';
import { DONE_SENTINEL } from './constants';
import { isRecord, tryParseJson, type JsonObject } from './json';

/** One parsed upstream event. `type` comes from `data.type` (PROTOCOL.md §3.1), `raw` is the data text as received. */
export interface SseEvent {
  type: string;
  data: JsonObject;
  raw: string;
}

export interface SseParserCallbacks {
  onEvent(event: SseEvent): void;
  /** A data payload that is not a JSON object with a type: counted in the trace and skipped. */
  onInvalid?(raw: string): void;
  onComment?(text: string): void;
}

/**
 * Incremental SSE parser for upstream streams. Accepts bytes split anywhere (multi-byte characters included),
 * `\n` or `\r\n` line endings, multi-line data and comments; ignores `data: [DONE]`.
 */
export class SseParser {
  private readonly parser: EventSourceParser;
  private readonly decoder = new Utf8Chunks();
  private invalid = 0;
  private ended = false;

  constructor(private readonly callbacks: SseParserCallbacks) {
    this.parser = createParser({
      onEvent: (message) => this.dispatch(message.data, message.event),
      onComment: (comment) => callbacks.onComment?.(comment.trim()),
    });
  }

  /** Payloads skipped because they were not usable JSON events. */
  get invalidCount(): number {
    return this.invalid;
  }

  feed(chunk: string | Uint8Array): void {
    if (this.ended) return;
    const text = typeof chunk === 'string' ? chunk : this.decoder.decode(chunk);
    if (text !== '') this.parser.feed(text);
  }

  /**
   * End of input. An event whose data arrived in full but lacked the final blank line is still delivered
   * (a half-received JSON payload cannot parse, so truncation is still detected by the missing terminal event).
   */
  end(): void {
    if (this.ended) return;
    const rest = this.decoder.end();
    if (rest !== '') this.parser.feed(rest);
    this.parser.feed('\n\n');
    this.ended = true;
  }

  private dispatch(rawData: string, eventName: string | undefined): void {
    if (rawData.trim() === DONE_SENTINEL) return;
    const data = tryParseJson(rawData);
    const type = isRecord(data) ? (typeof data['type'] === 'string' ? data['type'] : eventName) : undefined;
    if (!isRecord(data) || type === undefined || type === '') {
      this.invalid += 1;
      this.callbacks.onInvalid?.(rawData);
      return;
    }
    this.callbacks.onEvent({ type, data, raw: rawData });
  }
}

/**
 * Streaming UTF-8 decoding, as TextDecoder's stream mode does it (a character cut at a chunk's end waits for the
 * next chunk, invalid bytes become U+FFFD, a leading BOM is dropped) but through Buffer#toString, which is several
 * times faster on the 40 KB chunks that echo a Codex request.
 */
class Utf8Chunks {
  private pending: Buffer | undefined;
  private started = false;

  decode(chunk: Uint8Array): string {
    let bytes = Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    if (this.pending) bytes = Buffer.concat([this.pending, bytes]);
    const complete = completeLength(bytes);
    // A copy: the caller may reuse its chunk.
    this.pending = complete < bytes.length ? Buffer.from(bytes.subarray(complete)) : undefined;
    return this.started ? bytes.toString('utf8', 0, complete) : this.first(bytes.toString('utf8', 0, complete));
  }

  end(): string {
    const rest = this.pending;
    this.pending = undefined;
    return rest ? this.first(rest.toString('utf8')) : '';
  }

  private first(text: string): string {
    if (this.started || text === '') return text;
    this.started = true;
    return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  }
}

/** How many bytes end on a whole character: a multi-byte sequence cut by the end of `bytes` is left out. */
function completeLength(bytes: Uint8Array): number {
  const n = bytes.length;
  for (let back = 1; back <= Math.min(3, n); back++) {
    const byte = bytes[n - back] ?? 0;
    if (byte < 0x80) return n;
    if (byte >= 0xc0) {
      const length = byte >= 0xf0 ? 4 : byte >= 0xe0 ? 3 : 2;
      return length > back ? n - back : n;
    }
  }
  return n;
}

/** One event as upstream frames it: `event: <type>`, `data: <json>`, blank line. */
export function serializeSse(event: { type: string; [key: string]: unknown }): string {
  return `event: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`;
}

/** Relays a parsed event without re-serialising its JSON (a multi-line payload keeps one `data:` line per line). */
export function serializeSseRaw(type: string, rawData: string): string {
  if (!rawData.includes('\n')) return `event: ${type}\ndata: ${rawData}\n\n`;
  const data = rawData
    .split('\n')
    .map((line) => `data: ${line}`)
    .join('\n');
  return `event: ${type}\n${data}\n\n`;
}

/** A data-only frame (`data: <json>\n\n`), the Chat Completions framing. */
export function sseData(payload: unknown): string {
  return `data: ${typeof payload === 'string' ? payload : JSON.stringify(payload)}\n\n`;
}

/** An SSE comment, e.g. a keepalive; clients ignore it. */
export function sseComment(text: string): string {
  return `: ${text.replace(/[\r\n]+/g, ' ')}\n\n`;
}
