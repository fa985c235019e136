import { SseParser, type SseEvent } from '@mcp/codex';

export interface UpstreamEventsOptions {
  /** An unparsable data payload (counted, skipped: PROTOCOL.md §3.1). */
  onInvalid?: (raw: string) => void;
}

/** The events of one upstream stream, pulled a network chunk at a time. */
export type UpstreamEventBatches = AsyncGenerator<SseEvent[], void, undefined>;

/**
 * The upstream SSE body as batches of events, one batch per network chunk that completed at least one event:
 * the relay then writes a whole batch to the client at once. Breaking out of (or calling `return()` on) the
 * iterator destroys the body, which closes the upstream request.
 */
export async function* upstreamEvents(
  body: AsyncIterable<unknown>,
  options: UpstreamEventsOptions = {},
): UpstreamEventBatches {
  let batch: SseEvent[] = [];
  const parser = new SseParser({
    onEvent: (event) => batch.push(event),
    onInvalid: options.onInvalid,
  });
  for await (const chunk of body) {
    parser.feed(chunk as Uint8Array);
    if (batch.length === 0) continue;
    const ready = batch;
    batch = [];
    yield ready;
  }
  parser.end();
  if (batch.length > 0) yield batch;
}
