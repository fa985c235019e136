import { Injectable } from '@nestjs/common';
import { Clock } from '@mcp/config';

export const RPM_WINDOW_MS = 60_000;

/**
 * Port: a client key's requests-per-minute limit over a sliding 60 s window. One process keeps it in memory; a fleet
 * (STORAGE=postgres) counts in the database, so N replicas still allow `rpmLimit`, not N × `rpmLimit`.
 */
export abstract class RpmLimiter {
  /**
   * Counts one request for `keyId` if it fits under `limit`; resolves 0 when admitted, else the
   * milliseconds until enough earlier requests leave the window.
   */
  abstract take(keyId: string, limit: number): Promise<number>;
}

@Injectable()
export class MemoryRpmLimiter extends RpmLimiter {
  // Only admitted requests are recorded, so a window never holds more than the key's limit.
  private readonly windows = new Map<string, number[]>();

  constructor(private readonly clock: Clock) {
    super();
  }

  override take(keyId: string, limit: number): Promise<number> {
    const now = this.clock.now();
    let window = this.windows.get(keyId);
    if (!window) this.windows.set(keyId, (window = []));
    while (window[0] !== undefined && window[0] <= now - RPM_WINDOW_MS) window.shift();
    const blocking = window[window.length - limit];
    if (window.length >= limit && blocking !== undefined) {
      return Promise.resolve(Math.max(1, blocking + RPM_WINDOW_MS - now));
    }
    window.push(now);
    return Promise.resolve(0);
  }
}
