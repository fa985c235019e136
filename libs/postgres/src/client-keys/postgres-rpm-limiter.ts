import { Injectable } from '@nestjs/common';
import { RPM_WINDOW_MS, type RpmLimiter } from '@mcp/client-keys';
import { Clock } from '@mcp/config';
import { PgDatabase } from '../db/database';
import { LOCK_NAMESPACE } from '../db/lock-namespaces';

/**
 * A client key's rpmLimit for the whole fleet: admitted requests are rows of `client_key_requests`, counted under a
 * per-key advisory lock, so two replicas admitting at the same instant cannot both take the last slot.
 * Same sliding window as the in-memory limiter; rows older than the window go at the key's next request.
 */
@Injectable()
export class PostgresRpmLimiter implements RpmLimiter {
  constructor(
    private readonly db: PgDatabase,
    private readonly clock: Clock,
  ) {}

  take(keyId: string, limit: number): Promise<number> {
    const now = this.clock.now();
    return this.db.transaction(async (client) => {
      await client.query('SELECT pg_advisory_xact_lock($1, hashtext($2))', [LOCK_NAMESPACE.rpm, keyId]);
      await client.query('DELETE FROM client_key_requests WHERE key_id = $1 AND at <= $2', [
        keyId,
        now - RPM_WINDOW_MS,
      ]);
      // The limit-th most recent admitted request: while it is inside the window, the key is full.
      const { rows } = await client.query<{ at: string }>(
        'SELECT at FROM client_key_requests WHERE key_id = $1 ORDER BY at DESC OFFSET $2 LIMIT 1',
        [keyId, Math.max(0, limit - 1)],
      );
      const blocking = rows[0];
      if (blocking) return Math.max(1, Number(blocking.at) + RPM_WINDOW_MS - now);
      await client.query('INSERT INTO client_key_requests (key_id, at) VALUES ($1, $2)', [keyId, now]);
      return 0;
    });
  }
}
