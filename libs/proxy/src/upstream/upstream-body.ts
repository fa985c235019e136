import { errors, type Dispatcher } from 'undici';

/**
 * Unread bytes buffered before the upstream socket is paused: the mark undici's own body stream uses, so a slow
 * client holds back upstream exactly as before.
 */
export const BODY_HIGH_WATER_MARK = 64 * 1024;

type Read = IteratorResult<Buffer, undefined>;

const DONE: Read = Object.freeze({ done: true, value: undefined }) as Read;

interface Waiter {
  resolve(result: Read): void;
  reject(error: unknown): void;
}

/**
 * An upstream response body fed by an undici dispatch handler: async iteration of the network chunks as they came,
 * with backpressure (the socket is paused past the high-water mark and resumed once read), `destroy()` to close the
 * upstream request, and undici's own errors (UND_ERR_BODY_TIMEOUT, UND_ERR_SOCKET, ...) thrown from the read that
 * meets them. It replaces undici's Readable-based body, whose stream machinery was most of the upstream leg's cost.
 */
export class UpstreamBody implements AsyncIterableIterator<Buffer> {
  private chunks: Buffer[] = [];
  private buffered = 0;
  private ended = false;
  private failure: unknown = undefined;
  private waiter: Waiter | undefined = undefined;
  private isDestroyed = false;
  private flushQueued = false;

  /**
   * @param controller the dispatch's controller: pause, resume, and abort of the upstream request
   * @param onSettled called once when the body ends, fails or is destroyed (the exchange lets go of its signal)
   */
  constructor(
    private readonly controller: Dispatcher.DispatchController,
    private readonly onSettled: () => void,
  ) {}

  get destroyed(): boolean {
    return this.isDestroyed;
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  next(): Promise<Read> {
    if (this.chunks.length > 0) return Promise.resolve({ done: false, value: this.take() });
    if (this.failure !== undefined) return Promise.reject(this.failure);
    if (this.ended || this.isDestroyed) return Promise.resolve(DONE);
    if (this.waiter !== undefined) return Promise.reject(new Error('UpstreamBody: only one read at a time'));
    return new Promise<Read>((resolve, reject) => {
      this.waiter = { resolve, reject };
    });
  }

  /** Stopping the iteration early (`break`) closes the upstream request, as a Readable's iterator does. */
  return(): Promise<Read> {
    this.destroy();
    return Promise.resolve(DONE);
  }

  /**
   * Drops what is buffered and aborts the upstream request unless it already ended. A read in progress rejects
   * with `error`, or with undici's RequestAbortedError when none is given.
   */
  destroy(error?: Error): void {
    if (this.isDestroyed) return;
    this.isDestroyed = true;
    this.chunks = [];
    this.buffered = 0;
    const open = !this.ended && this.failure === undefined;
    if (error !== undefined) this.failure = error;
    if (open) {
      this.rejectWaiter(error ?? new errors.RequestAbortedError());
      this.onSettled();
      this.controller.abort(error ?? new errors.RequestAbortedError());
    }
  }

  /**
   * A network chunk (the handler's onResponseData). A waiting read is answered in a microtask, once undici has fed
   * every chunk of the same socket read: like a Readable's read(), a read takes all that arrived together, so a burst
   * of events is parsed and written to the client once, not chunk by chunk.
   */
  push(chunk: Buffer): void {
    if (this.isDestroyed) return;
    this.chunks.push(chunk);
    this.buffered += chunk.length;
    if (this.waiter !== undefined) {
      if (!this.flushQueued) {
        this.flushQueued = true;
        queueMicrotask(this.flush);
      }
    } else if (this.buffered >= BODY_HIGH_WATER_MARK && !this.controller.paused) {
      this.controller.pause();
    }
  }

  /** The response ended (onResponseEnd): reads take what is buffered, then report done. */
  end(): void {
    if (this.isDestroyed || this.ended || this.failure !== undefined) return;
    this.ended = true;
    this.onSettled();
    // with chunks still queued for the waiting read, the flush answers it
    if (this.chunks.length === 0) this.resolveWaiter(DONE);
  }

  /** The response failed (onResponseError): the read that finds nothing buffered throws `error`. */
  fail(error: unknown): void {
    if (this.isDestroyed || this.ended || this.failure !== undefined) return;
    this.failure = error;
    this.onSettled();
    if (this.chunks.length === 0) this.rejectWaiter(error);
  }

  private readonly flush = (): void => {
    this.flushQueued = false;
    if (this.waiter !== undefined && this.chunks.length > 0) this.resolveWaiter({ done: false, value: this.take() });
  };

  /** Everything buffered, as one chunk; reading it below the high-water mark lets upstream flow again. */
  private take(): Buffer {
    const chunks = this.chunks;
    const first = chunks[0];
    const chunk = chunks.length === 1 && first !== undefined ? first : Buffer.concat(chunks, this.buffered);
    this.chunks = [];
    this.buffered = 0;
    // after the reset: resuming may feed more chunks synchronously
    if (this.controller.paused) this.controller.resume();
    return chunk;
  }

  private resolveWaiter(result: Read): void {
    const waiter = this.waiter;
    this.waiter = undefined;
    waiter?.resolve(result);
  }

  private rejectWaiter(error: unknown): void {
    const waiter = this.waiter;
    this.waiter = undefined;
    waiter?.reject(error);
  }
}
