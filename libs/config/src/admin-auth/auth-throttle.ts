import { Injectable } from '@nestjs/common';
import { Clock } from '../clock';

const WINDOW_MS = 60_000;
const FREE_FAILURES = 5;
const MAX_DELAY_MS = 5_000;
const MAX_TRACKED = 10_000;

/** Slows down repeated failed sign-ins from one address: each failure past the first few doubles the delay. */
@Injectable()
export class AuthThrottle {
  private readonly failures = new Map<string, { count: number; first: number }>();

  constructor(private readonly clock: Clock) {}

  delayFor(address: string): number {
    const entry = this.failures.get(address);
    if (!entry || this.clock.now() - entry.first > WINDOW_MS) return 0;
    const over = entry.count - FREE_FAILURES;
    return over < 0 ? 0 : Math.min(MAX_DELAY_MS, 250 * 2 ** over);
  }

  fail(address: string): void {
    const now = this.clock.now();
    const entry = this.failures.get(address);
    if (!entry || now - entry.first > WINDOW_MS) {
      if (this.failures.size >= MAX_TRACKED) this.failures.clear();
      this.failures.set(address, { count: 1, first: now });
    } else {
      entry.count += 1;
    }
  }

  succeed(address: string): void {
    this.failures.delete(address);
  }
}
