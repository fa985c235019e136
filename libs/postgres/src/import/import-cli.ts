import { ConfigError, type Env, loadConfig } from '@mcp/config';
import { PgDatabase, describeUrl } from '../db/database';
import { ImportRefusedError, importDataDir } from './import-data-dir';

export interface CliOutput {
  out(text: string): void;
  err(text: string): void;
}

const USAGE = `Copies a MultiCodex file data directory into PostgreSQL (once, before the replicas start).

  DATABASE_URL=postgres://user:pass@host/db DATA_DIR=./data node scripts/import-to-postgres.mjs [--force]

The file paths are those the gateway would use (DATA_DIR, STORE_PATH, OAUTH_STATE_PATH, TRACE_FILE_PATH,
TRACE_STATS_HISTORY_PATH). An encrypted accounts.json needs its ENCRYPTION_KEY; the tokens are stored
encrypted under the same key. --force imports into a database that already holds data (upsert by id).`;

/** `scripts/import-to-postgres.mjs`: returns the process exit code. */
export async function runImportCli(argv: string[], env: Env, io: CliOutput): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) {
    io.out(`${USAGE}\n`);
    return 0;
  }
  const unknown = argv.filter((arg) => arg !== '--force');
  if (unknown.length > 0) {
    io.err(`Unknown argument(s): ${unknown.join(' ')}\n\n${USAGE}\n`);
    return 2;
  }
  try {
    const config = loadConfig(env);
    if (!config.databaseUrl) {
      io.err(`DATABASE_URL is not set.\n\n${USAGE}\n`);
      return 2;
    }
    const db = await PgDatabase.open({ url: config.databaseUrl, poolSize: 2, lockPoolSize: 1 });
    try {
      const summary = await importDataDir(config, db, { force: argv.includes('--force') });
      io.out(
        `Imported from ${config.dataDir} into ${describeUrl(config.databaseUrl)}: ` +
          `${summary.accounts} account(s), ${summary.flows} OAuth flow(s), ${summary.apiKeys} client key(s), ` +
          `${summary.traces} trace(s), ${summary.history} stats history record(s)` +
          (summary.skippedLines > 0 ? ` (${summary.skippedLines} unreadable log line(s) skipped)` : '') +
          '.\nSet the same ADMIN_TOKEN (and ENCRYPTION_KEY, if any) on every replica: the admin-token file is not imported.\n',
      );
      return 0;
    } finally {
      await db.close();
    }
  } catch (error) {
    const known = error instanceof ConfigError || error instanceof ImportRefusedError;
    io.err(`${known ? '' : 'Import failed: '}${error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  }
}
