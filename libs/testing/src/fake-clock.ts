import { Clock } from '@mcp/config';

/** 2025-01-15T12:00:00Z: a fixed, unremarkable instant so specs never depend on today's date. */
export const FAKE_CLOCK_START = Date.UTC(2025, 0, 15, 12, 0, 0);

/** A Clock that only moves when the spec says so. */
export class FakeClock extends Clock {
  private current: number;

  constructor(start: number = FAKE_CLOCK_START) {
    super();
    this.current = start;
  }

  override now(): number {
    return this.current;
  }

  set(ms: number): void {
    this.current = ms;
  }

  advance(ms: number): void {
    this.current += ms;
  }
}
