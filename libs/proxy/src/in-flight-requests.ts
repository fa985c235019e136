import { Injectable } from '@nestjs/common';

/** Counts open proxied requests so a graceful shutdown can wait for streams to finish. */
@Injectable()
export class InFlightRequests {
  private open = 0;
  private waiters: Array<() => void> = [];

  get count(): number {
    return this.open;
  }

  /** Marks one request open; the returned function closes it (calling it twice is harmless). */
  begin(): () => void {
    this.open += 1;
    let done = false;
    return () => {
      if (done) return;
      done = true;
      this.open -= 1;
      if (this.open === 0) this.release();
    };
  }

  /** Resolves once no proxied request is open (immediately when none is). */
  drained(): Promise<void> {
    if (this.open === 0) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  private release(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const resolve of waiters) resolve();
  }
}
