import { Clock } from '@mcp/config';

/** 2025-01-15T12:00:00Z: a fixed, unremarkable instant so specs never depend on today's date. */
export const FAKE_CLOCK_START = Date.UTC(2025, 0, 15, 12, 0, 0);

/** A Clock that only moves when the spec says so. FakeTimers waiting on it wake when it passes their time. */
export class FakeClock extends Clock {
  private current: number;
  private readonly listeners = new Set<(now: number) => void>();

  constructor(start: number = FAKE_CLOCK_START) {
    super();
    this.current = start;
  }

  override now(): number {
    return this.current;
  }

  set(ms: number): void {
    this.current = ms;
    this.notify();
  }

  advance(ms: number): void {
    this.current += ms;
    this.notify();
  }

  /** Called after every move; returns the unsubscribe function. */
  onMove(listener: (now: number) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private notify(): void {
    for (const listener of [...this.listeners]) listener(this.current);
  }
}
