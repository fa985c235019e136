import { createReadStream, existsSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { type Account, FileAccountRepository } from '@mcp/accounts';
import type { AppConfig } from '@mcp/config';
import type { StatsRecord, TraceRecord } from '@mcp/contracts';
import { FileFlowRepository, type OAuthFlow } from '@mcp/oauth';
import { FileApiKeyRepository, type StoredApiKey } from '@mcp/client-keys';
import { RotatingJsonlLog } from '@mcp/storage';
import { PostgresAccountRepository } from '../accounts/postgres-account.repository';
import { ChangeFeed } from '../db/change-feed';
import type { PgDatabase } from '../db/database';
import { PostgresApiKeyRepository } from '../client-keys/postgres-api-key.repository';
import { PostgresFlowRepository } from '../oauth/postgres-flow.repository';
import { PgHistoryLog } from '../tracing/history-log';
import { PgTraceLog } from '../tracing/trace-log';

const BATCH = 1_000;
const TABLES = ['accounts', 'oauth_flows', 'api_keys', 'traces', 'stats_history'] as const;

export interface ImportOptions {
  /** Import into a database that already holds data: rows are upserted by id, log records deduplicated. */
  force?: boolean;
}

export interface ImportSummary {
  accounts: number;
  flows: number;
  apiKeys: number;
  traces: number;
  history: number;
  /** Torn or non-JSON lines of the two logs, passed over as a restart would. */
  skippedLines: number;
}

export class ImportRefusedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ImportRefusedError';
  }
}

/**
 * Copies a file data directory (PROTOCOL §10: accounts.json, oauth-state.json, api-keys.json and
 * the two logs, at the paths the config names) into PostgreSQL, once, before the replicas start.
 * Files are read with the same code the file store uses, so an encrypted accounts.json needs its
 * ENCRYPTION_KEY (tokens are re-encrypted in the database under the same key). Re-running with
 * `force` is safe: documents are upserted by id and log records already present are skipped.
 */
export async function importDataDir(
  config: AppConfig,
  db: PgDatabase,
  options: ImportOptions = {},
): Promise<ImportSummary> {
  if (!options.force) await refuseIfNotEmpty(db);
  const accounts = await importDocuments(
    new FileAccountRepository(config).load(),
    new PostgresAccountRepository(db, config),
  );
  const flows = await importDocuments(new FileFlowRepository(config).load(), new PostgresFlowRepository(db));
  const apiKeys = await importDocuments(new FileApiKeyRepository(config).load(), new PostgresApiKeyRepository(db));
  const feed = new ChangeFeed(db); // never subscribed: an import notifies nobody
  const traces = await importTraces(config, new PgTraceLog(db, feed, config.traceRetentionMax, {}));
  const history = await importJsonl<StatsRecord>(config.traceStatsHistoryPath, new PgHistoryLog(db, feed, {}));
  return {
    accounts,
    flows,
    apiKeys,
    traces: traces.records,
    history: history.records,
    skippedLines: traces.skipped + history.skipped,
  };
}

async function refuseIfNotEmpty(db: PgDatabase): Promise<void> {
  for (const table of TABLES) {
    const rows = await db.query(`SELECT 1 FROM ${table} LIMIT 1`);
    if (rows.length > 0) {
      throw new ImportRefusedError(
        `The database already holds data (table ${table}). The import is meant for a new database; ` +
          're-run with --force to upsert by id into this one.',
      );
    }
  }
}

interface DocumentStore<T> {
  load(): Promise<T[]>;
  save(docs: T[]): Promise<void>;
}

/** Stored documents win over the file's only for ids the file does not have. */
async function importDocuments<T extends Account | OAuthFlow | StoredApiKey>(
  fromFile: Promise<T[]>,
  target: DocumentStore<T>,
): Promise<number> {
  const incoming = await fromFile;
  if (incoming.length === 0) return 0;
  const existing = await target.load();
  const ids = new Set(incoming.map((doc) => doc.id));
  await target.save([...existing.filter((doc) => !ids.has(doc.id)), ...incoming]);
  return incoming.length;
}

/** The trace file and its previous segment hold about twice the cap: read both whole, keep the newest `cap`. */
async function importTraces(config: AppConfig, log: PgTraceLog): Promise<{ records: number; skipped: number }> {
  const all: TraceRecord[] = [];
  const file = new RotatingJsonlLog<TraceRecord>(config.traceFilePath);
  const { skipped } = await file.readAll((trace) => all.push(trace));
  await file.close();
  const kept = all.slice(-config.traceRetentionMax);
  for (let i = 0; i < kept.length; i += BATCH) await log.importBatch(kept.slice(i, i + BATCH));
  return { records: kept.length, skipped };
}

/** Streams a (possibly very long) JSON Lines file in batches, skipping lines that do not parse. */
async function importJsonl<T>(path: string, log: { importBatch(records: T[]): Promise<void> }) {
  let records = 0;
  let skipped = 0;
  if (!existsSync(path)) return { records, skipped };
  let batch: T[] = [];
  const lines = createInterface({ input: createReadStream(path, 'utf8'), crlfDelay: Infinity });
  for await (const line of lines) {
    if (line.trim() === '') continue;
    const record = parseRecord<T>(line);
    if (record === undefined) {
      skipped += 1;
      continue;
    }
    batch.push(record);
    if (batch.length >= BATCH) {
      await log.importBatch(batch);
      records += batch.length;
      batch = [];
    }
  }
  if (batch.length > 0) await log.importBatch(batch);
  return { records: records + batch.length, skipped };
}

function parseRecord<T>(line: string): T | undefined {
  try {
    const value: unknown = JSON.parse(line);
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as T) : undefined;
  } catch {
    return undefined;
  }
}
