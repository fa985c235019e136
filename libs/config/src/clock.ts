import { setTimeout as sleep } from 'node:timers/promises';

/** Time behind an injectable, so specs can move it (see FakeClock in @mcp/testing). */
export abstract class Clock {
  abstract now(): number;
}

export class SystemClock extends Clock {
  now(): number {
    return Date.now();
  }
}

/**
 * Waiting and jitter behind an injectable, next to Clock: backoff and hang-retry wait through it, so a spec with a
 * fake clock moves them with `clock.advance` instead of sleeping in real time (see FakeTimers in @mcp/testing).
 */
export abstract class Timers {
  /** Resolves after `ms`; rejects (with the signal's reason) once `signal` aborts. */
  abstract sleep(ms: number, signal?: AbortSignal): Promise<void>;
  /** A number in [0, 1), for jitter. */
  abstract random(): number;
}

export class SystemTimers extends Timers {
  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return sleep(ms, undefined, signal ? { signal } : undefined);
  }

  random(): number {
    return Math.random();
  }
}
