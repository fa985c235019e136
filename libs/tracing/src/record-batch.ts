/**
 * Finished requests waiting to be recorded, handed over together (issue 20). Encoding a trace line and a history
 * line per request, between two requests' JSON work, cost ~0.04 ms of a 0.4 ms request; the same lines encoded
 * back to back cost a third of that (warm caches and inline caches). A batch ends after `maxItems` or `maxDelayMs`,
 * whichever comes first: the count bounds what waits in memory (a trace may hold a 40 KB request body), the delay
 * bounds how late a quiet gateway writes. Readers call `drain()` first, so nothing recorded is ever missing from
 * what they see.
 */
export class RecordBatch<T> {
  private pending: T[] = [];
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly process: (items: readonly T[]) => void,
    private readonly maxItems: number,
    private readonly maxDelayMs: number,
  ) {}

  get size(): number {
    return this.pending.length;
  }

  push(item: T): void {
    this.pending.push(item);
    if (this.pending.length >= this.maxItems) this.drain();
    else if (this.timer === undefined) {
      this.timer = setTimeout(() => this.drain(), this.maxDelayMs);
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
    this.process(items);
  }
}
