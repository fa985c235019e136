import type { Pool } from 'pg';
import { LOCK_NAMESPACE } from './lock-namespaces';
import { MIGRATIONS, type Migration } from './migrations';

export interface MigrationResult {
  applied: number[];
  current: number;
}

/**
 * Brings the schema up to date. A session advisory lock makes replicas that boot together take
 * turns, so each migration runs exactly once; each runs in its own transaction with its
 * schema_migrations row, so a failure leaves the database at the previous version.
 */
export async function runMigrations(
  pool: Pool,
  migrations: readonly Migration[] = MIGRATIONS,
): Promise<MigrationResult> {
  const client = await pool.connect();
  try {
    await client.query('SELECT pg_advisory_lock($1, 0)', [LOCK_NAMESPACE.migrations]);
    try {
      await client.query(`
        CREATE TABLE IF NOT EXISTS schema_migrations (
          version integer PRIMARY KEY,
          name text NOT NULL,
          applied_at timestamptz NOT NULL DEFAULT now()
        )`);
      const { rows } = await client.query<{ version: number }>('SELECT version FROM schema_migrations');
      const done = new Set(rows.map((row) => row.version));
      const newest = Math.max(0, ...migrations.map((m) => m.version));
      const ahead = [...done].filter((version) => version > newest);
      if (ahead.length > 0) {
        throw new Error(
          `The database schema is at version ${Math.max(...ahead)}, newer than this build knows (${newest}): ` +
            'upgrade this replica instead of running an older one against it',
        );
      }
      const applied: number[] = [];
      for (const migration of [...migrations].sort((a, b) => a.version - b.version)) {
        if (done.has(migration.version)) continue;
        await client.query('BEGIN');
        try {
          await client.query(migration.sql);
          await client.query('INSERT INTO schema_migrations (version, name) VALUES ($1, $2)', [
            migration.version,
            migration.name,
          ]);
          await client.query('COMMIT');
        } catch (error) {
          await client.query('ROLLBACK');
          throw new Error(`Migration ${migration.version} (${migration.name}) failed: ${(error as Error).message}`);
        }
        applied.push(migration.version);
      }
      return { applied, current: newest };
    } finally {
      await client.query('SELECT pg_advisory_unlock($1, 0)', [LOCK_NAMESPACE.migrations]);
    }
  } finally {
    client.release();
  }
}
