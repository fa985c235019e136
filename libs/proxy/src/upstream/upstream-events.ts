import { SseParser, type SseEvent } from '@mcp/codex';

export interface UpstreamEventsOptions {
  /** An unparsable data payload (counted, skipped: PROTOCOL.md §3.1). */
  onInvalid?: (raw: string) => void;
}

/**
 * The upstream SSE body as a pull-based stream of events. Breaking out of (or calling `return()` on) the iterator
 * destroys the body, which closes the upstream request: nothing keeps streaming for nobody.
 */
export async function* upstreamEvents(
  body: AsyncIterable<unknown>,
  options: UpstreamEventsOptions = {},
): AsyncGenerator<SseEvent, void, undefined> {
  const queue: SseEvent[] = [];
  const parser = new SseParser({
    onEvent: (event) => queue.push(event),
    onInvalid: options.onInvalid,
  });
  for await (const chunk of body) {
    parser.feed(chunk as Uint8Array);
    while (queue.length > 0) yield queue.shift() as SseEvent;
  }
  parser.end();
  while (queue.length > 0) yield queue.shift() as SseEvent;
}
