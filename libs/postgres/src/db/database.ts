import { Logger, type OnApplicationShutdown } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { Client, Pool, type PoolClient, type QueryResultRow } from 'pg';
import { runMigrations } from './migrator';

export interface DatabaseOptions {
  url: string;
  /** Connections for queries and writes (default 10). */
  poolSize?: number;
  /** Connections that may wait on a refresh lock (default 10). */
  lockPoolSize?: number;
  /** Run the migrations before anything uses the database (default true). */
  migrate?: boolean;
}

const STATEMENT_TIMEOUT_MS = 30_000;

/**
 * The connection pools of one replica, tagged with a random `origin` that every row and
 * notification it writes carries, so it can tell its own writes from other replicas'.
 * Refresh locks wait on connections of their own: a replica waiting for another's refresh must
 * never hold the connections the refreshing replica needs to save the new tokens.
 */
export class PgDatabase implements OnApplicationShutdown {
  private readonly logger = new Logger('Postgres');
  readonly origin = `${hostname()}-${process.pid}-${randomBytes(4).toString('hex')}`;
  readonly pool: Pool;
  readonly lockPool: Pool;
  private closed = false;

  private constructor(private readonly options: DatabaseOptions) {
    const common = { connectionString: options.url, application_name: `multicodex ${this.origin}`, keepAlive: true };
    this.pool = new Pool({ ...common, max: options.poolSize ?? 10, statement_timeout: STATEMENT_TIMEOUT_MS });
    this.lockPool = new Pool({ ...common, max: options.lockPoolSize ?? 10 });
    // A connection that dies (server restart, terminated backend) must not crash the process: the
    // pool reports idle ones, and a checked-out one between two queries reports to its own listener.
    for (const pool of [this.pool, this.lockPool]) {
      pool.on('error', (error) => this.logger.warn(`Idle database connection lost: ${error.message}`));
      pool.on('connect', (client) => {
        client.on('error', (error) => this.logger.warn(`Database connection lost: ${error.message}`));
      });
    }
  }

  /** Connects, checks the server answers and brings the schema up to date. */
  static async open(options: DatabaseOptions): Promise<PgDatabase> {
    const db = new PgDatabase(options);
    try {
      if (options.migrate !== false) {
        const { applied, current } = await runMigrations(db.pool);
        if (applied.length > 0) db.logger.log(`Schema migrated to version ${current} (applied ${applied.join(', ')})`);
      } else {
        await db.pool.query('SELECT 1');
      }
      return db;
    } catch (error) {
      await db.close();
      throw new Error(`PostgreSQL at ${describeUrl(options.url)}: ${(error as Error).message}`);
    }
  }

  query<R extends QueryResultRow = QueryResultRow>(text: string, values?: unknown[]): Promise<R[]> {
    return this.pool.query<R>(text, values).then((result) => result.rows);
  }

  /** Runs `work` in one transaction on one connection; rolls back when it throws. */
  async transaction<T>(work: (client: PoolClient) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      const result = await work(client);
      await client.query('COMMIT');
      return result;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  }

  /** A connection outside the pools, for LISTEN and for session-level leader locks. */
  newClient(): Client {
    const client = new Client({
      connectionString: this.options.url,
      application_name: `multicodex ${this.origin}`,
      keepAlive: true,
    });
    client.on('error', (error) => this.logger.warn(`Database session lost: ${error.message}`));
    return client;
  }

  get isClosed(): boolean {
    return this.closed;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.all([this.pool.end(), this.lockPool.end()]);
  }

  /** Last of the shutdown hooks: every store has flushed in beforeApplicationShutdown by now. */
  async onApplicationShutdown(): Promise<void> {
    await this.close();
  }
}

/** The URL without its password, for error messages. */
export function describeUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return '(unparsable DATABASE_URL)';
  }
}
