export interface RecordBatchLimits {
  /** Items a batch holds at most. */
  maxItems: number;
  /** Bytes (as `weigh` counts them) a batch holds at most: large request bodies are let go at once. */
  maxBytes: number;
  /** How long the first item of a batch waits at most. */
  maxDelayMs: number;
}

/**
 * Finished requests waiting to be recorded, handed over together (issue 20). Encoding a trace line and a history
 * line per request, between two requests' JSON work, cost ~0.04 ms of a 0.4 ms request; the same lines encoded
 * back to back cost much less (warm caches and inline caches). A batch ends at `maxItems`, at `maxBytes` or after
 * `maxDelayMs`, whichever comes first: the count and the bytes bound what waits in memory (a 40 KB request body
 * held longer survives a scavenge and grows the old space), the delay bounds how late a quiet gateway writes.
 * Readers call `drain()` first, so nothing recorded is ever missing from what they see.
 */
export class RecordBatch<T> {
  private pending: T[] = [];
  private bytes = 0;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly process: (items: readonly T[]) => void,
    private readonly limits: RecordBatchLimits,
    private readonly weigh: (item: T) => number = () => 0,
  ) {}

  get size(): number {
    return this.pending.length;
  }

  push(item: T): void {
    this.pending.push(item);
    this.bytes += this.weigh(item);
    if (this.pending.length >= this.limits.maxItems || this.bytes >= this.limits.maxBytes) this.drain();
    else if (this.timer === undefined) {
      this.timer = setTimeout(() => this.drain(), this.limits.maxDelayMs);
      this.timer.unref();
    }
  }

  /** Hands everything pending to `process` now (it must not throw: a batch is never retried). */
  drain(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    if (this.pending.length === 0) return;
    const items = this.pending;
    this.pending = [];
    this.bytes = 0;
    this.process(items);
  }
}
