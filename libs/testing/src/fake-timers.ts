import { Timers } from '@mcp/config';
import type { FakeClock } from './fake-clock';

interface Waiter {
  at: number;
  resolve: () => void;
}

/**
 * Timers driven by a FakeClock: `sleep(ms)` resolves once the spec advances the clock past it, never in real time.
 * `random()` is a seeded generator (mulberry32), so jitter is the same on every run.
 */
export class FakeTimers extends Timers {
  private readonly waiters = new Set<Waiter>();
  private state: number;

  constructor(
    private readonly clock: FakeClock,
    seed = 1,
  ) {
    super();
    this.state = seed >>> 0;
    clock.onMove((now) => this.wake(now));
  }

  /** Sleeps not yet woken (a spec can check that code is waiting before it advances the clock). */
  get pending(): number {
    return this.waiters.size;
  }

  override sleep(ms: number, signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) return Promise.reject(signal.reason as Error);
    if (ms <= 0) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      const waiter: Waiter = {
        at: this.clock.now() + ms,
        resolve: () => {
          signal?.removeEventListener('abort', onAbort);
          resolve();
        },
      };
      const onAbort = (): void => {
        this.waiters.delete(waiter);
        reject(signal?.reason as Error);
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.waiters.add(waiter);
    });
  }

  override random(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  }

  private wake(now: number): void {
    for (const waiter of [...this.waiters]) {
      if (waiter.at > now) continue;
      this.waiters.delete(waiter);
      waiter.resolve();
    }
  }
}
