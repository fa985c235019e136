import { SseParser, type SseEvent } from '@mcp/codex';

export interface UpstreamEventsOptions {
  /** An unparsable data payload (counted, skipped: PROTOCOL.md §3.1). */
  onInvalid?: (raw: string) => void;
  /** Wraps each wait for the next network chunk (the trace leaves that time out of the gateway's overhead). */
  wait?: <T>(promise: Promise<T>) => Promise<T>;
  /** Rewrites each event as it is parsed (remote compaction's item name, §13.3); absent on ordinary streams. */
  transform?: (event: SseEvent) => SseEvent;
}

/** The events of one upstream stream, pulled a network chunk at a time. */
export interface UpstreamEventBatches extends AsyncIterable<SseEvent[]> {
  next(): Promise<IteratorResult<SseEvent[], void>>;
  /** Stops reading: destroys the body, which closes the upstream request. */
  return(): Promise<IteratorResult<SseEvent[], void>>;
}

/**
 * The upstream SSE body as batches of events, one batch per network chunk that completed at least one event:
 * the relay then writes a whole batch to the client at once. Breaking out of (or calling `return()` on) the
 * iterator destroys the body, which closes the upstream request.
 */
export function upstreamEvents(
  body: AsyncIterable<unknown>,
  options: UpstreamEventsOptions = {},
): UpstreamEventBatches {
  return new EventBatches(body, options);
}

/**
 * Written out rather than as an async generator: a suspended generator keeps stale locals (the last chunk and
 * batch) alive while it waits, and a stream can wait minutes between events.
 */
class EventBatches implements UpstreamEventBatches {
  private readonly chunks: AsyncIterator<unknown>;
  private readonly parser: SseParser;
  private readonly wait: <T>(promise: Promise<T>) => Promise<T>;
  private ready: SseEvent[] = [];
  private finished = false;

  constructor(body: AsyncIterable<unknown>, options: UpstreamEventsOptions) {
    this.chunks = body[Symbol.asyncIterator]();
    this.wait = options.wait ?? ((promise) => promise);
    const transform = options.transform;
    const onEvent = transform
      ? (event: SseEvent) => this.ready.push(transform(event))
      : (event: SseEvent) => this.ready.push(event);
    this.parser = new SseParser({ onEvent, onInvalid: options.onInvalid });
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  async next(): Promise<IteratorResult<SseEvent[], void>> {
    while (!this.finished && this.ready.length === 0) await this.readChunk();
    if (this.ready.length === 0) return { done: true, value: undefined };
    const batch = this.ready;
    this.ready = [];
    return { done: false, value: batch };
  }

  async return(): Promise<IteratorResult<SseEvent[], void>> {
    this.finished = true;
    this.ready = [];
    await this.chunks.return?.();
    return { done: true, value: undefined };
  }

  private async readChunk(): Promise<void> {
    let chunk: IteratorResult<unknown>;
    try {
      chunk = await this.wait(this.chunks.next());
    } catch (error) {
      this.finished = true;
      throw error;
    }
    if (chunk.done) {
      this.finished = true;
      this.parser.end();
    } else {
      this.parser.feed(chunk.value as Uint8Array);
    }
  }
}
