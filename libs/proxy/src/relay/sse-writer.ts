import type { ServerResponse } from 'node:http';
import { KEEPALIVE_COMMENT, sseComment } from '@mcp/codex';

/** Proxies and CDNs cut idle connections; a comment at least this often keeps a long reasoning pause alive. */
export const KEEPALIVE_MS = 15_000;

/**
 * The client side of a committed stream (PROTOCOL.md §5.6): headers only at the commit point, writes that respect
 * backpressure, and a `: keepalive` comment whenever the stream has been silent for a while.
 */
export class SseWriter {
  private lastWriteAt = performance.now();
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly res: ServerResponse,
    private readonly keepaliveMs = KEEPALIVE_MS,
  ) {}

  get open(): boolean {
    return !this.res.writableEnded && !this.res.destroyed;
  }

  /** Commits the response: status line and stream headers, then the keepalive clock starts. */
  start(headers: Record<string, string>): void {
    this.res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache',
      'x-accel-buffering': 'no',
      ...headers,
    });
    this.res.flushHeaders();
    this.lastWriteAt = performance.now();
    // Checking three times per period keeps every silence under keepaliveMs.
    const check = Math.max(10, Math.floor(this.keepaliveMs / 3));
    this.timer = setInterval(() => this.keepalive(check * 2), check);
    this.timer.unref();
  }

  /** Writes frames; waits for the socket to drain when its buffer is full, so a slow client slows the upstream read. */
  async write(frames: string | string[]): Promise<void> {
    const text = typeof frames === 'string' ? frames : frames.join('');
    if (text === '' || !this.open) return;
    this.lastWriteAt = performance.now();
    if (this.res.write(text)) return;
    await new Promise<void>((resolve) => {
      const done = (): void => {
        this.res.off('drain', done);
        this.res.off('close', done);
        resolve();
      };
      this.res.on('drain', done);
      this.res.on('close', done);
    });
  }

  end(): void {
    this.stopKeepalive();
    if (this.open) this.res.end();
  }

  stopKeepalive(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  private keepalive(silenceMs: number): void {
    if (!this.open) return this.stopKeepalive();
    if (performance.now() - this.lastWriteAt < silenceMs) return;
    this.lastWriteAt = performance.now();
    this.res.write(sseComment(KEEPALIVE_COMMENT));
  }
}
