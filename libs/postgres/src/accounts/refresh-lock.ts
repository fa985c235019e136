import { Injectable } from '@nestjs/common';
import { PgDatabase } from '../db/database';
import { LOCK_NAMESPACE } from '../db/lock-namespaces';
import type { RefreshCoordinator } from '@mcp/accounts';
import { PostgresAccountRepository } from './postgres-account.repository';

/** Longest a replica waits for another's refresh of the same account (a refresh call times out at 20 s). */
const LOCK_WAIT = '60s';

/**
 * One token refresh per account across the fleet (PROTOCOL §8.5): a transaction-scoped advisory
 * lock keyed by the account id. After taking it, the account is re-read into this replica's working
 * copy, so a replica that waited sees the tokens the other one just stored and need not refresh at all.
 * The lock goes with the transaction: on commit, on rollback, and when a crashed replica's connection dies.
 */
@Injectable()
export class PostgresRefreshLock implements RefreshCoordinator {
  constructor(
    private readonly db: PgDatabase,
    private readonly accounts: PostgresAccountRepository,
  ) {}

  async exclusive<T>(accountId: string, work: () => Promise<T>): Promise<T> {
    const client = await this.db.lockPool.connect();
    let broken = false;
    try {
      await client.query('BEGIN');
      await client.query(`SET LOCAL lock_timeout = '${LOCK_WAIT}'`);
      await client.query('SELECT pg_advisory_xact_lock($1, hashtext($2))', [LOCK_NAMESPACE.refresh, accountId]);
      await this.accounts.refresh([accountId]);
      const result = await work();
      await client.query('COMMIT');
      return result;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => (broken = true));
      throw error;
    } finally {
      client.release(broken);
    }
  }
}
