import { Injectable } from '@nestjs/common';
import type { Request } from 'express';
import { AppConfig, Clock } from '@mcp/config';

const WINDOW_MS = 60_000;
const MAX_FAILURES = 10;
const MAX_TRACKED = 10_000;

/**
 * Bounds admin-token guesses per client: after MAX_FAILURES failures within a minute, every further attempt from
 * that client is refused unread until the window ends. Check and record happen in one synchronous step, so
 * parallel guesses are bounded too (a delay, as before, only slowed sequential ones).
 */
@Injectable()
export class AuthThrottle {
  private readonly failures = new Map<string, { count: number; first: number }>();

  constructor(
    private readonly clock: Clock,
    private readonly config: AppConfig,
  ) {}

  /** Who is guessing: the socket's peer, or with TRUST_PROXY_HOPS=n the address n hops back in X-Forwarded-For. */
  clientOf(request: Request): string {
    const hops = this.config.trustProxyHops;
    const forwarded = request.headers['x-forwarded-for'];
    if (hops > 0 && typeof forwarded === 'string') {
      const chain = forwarded
        .split(',')
        .map((part) => part.trim())
        .filter(Boolean);
      const client = chain[chain.length - hops] ?? chain[0];
      if (client) return client;
    }
    return request.socket?.remoteAddress ?? 'unknown';
  }

  /** Milliseconds until `client` may try again; 0 when it may try now. */
  retryAfterMs(client: string): number {
    const entry = this.failures.get(client);
    if (!entry) return 0;
    const left = entry.first + WINDOW_MS - this.clock.now();
    if (left <= 0) {
      this.failures.delete(client);
      return 0;
    }
    return entry.count >= MAX_FAILURES ? left : 0;
  }

  fail(client: string): void {
    const now = this.clock.now();
    const entry = this.failures.get(client);
    if (!entry || now - entry.first > WINDOW_MS) {
      if (this.failures.size >= MAX_TRACKED) this.failures.clear();
      this.failures.set(client, { count: 1, first: now });
    } else {
      entry.count += 1;
    }
  }

  succeed(client: string): void {
    this.failures.delete(client);
  }
}
