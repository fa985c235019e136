import { appendFileSync } from 'node:fs';
import { FileAccountRepository } from '@mcp/accounts';
import type { AppConfig } from '@mcp/config';
import type { StatsRecord, TraceRecord } from '@mcp/contracts';
import { FileFlowRepository } from '@mcp/oauth';
import { FileApiKeyRepository } from '@mcp/client-keys';
import { JsonlLog } from '@mcp/storage';
import { describeWithPostgres } from '@mcp/testing';
import { PostgresAccountRepository } from '../src/accounts/postgres-account.repository';
import { PostgresApiKeyRepository } from '../src/client-keys/postgres-api-key.repository';
import { ChangeFeed } from '../src/db/change-feed';
import { runImportCli } from '../src/import/import-cli';
import { ImportRefusedError, importDataDir } from '../src/import/import-data-dir';
import { PostgresFlowRepository } from '../src/oauth/postgres-flow.repository';
import { PgHistoryLog } from '../src/tracing/history-log';
import { account, apiKey, flow, statsRecord, traceRecord } from './builders';
import { type PgEnv, startPgEnv } from './pg-env';

const KEY = 'an-encryption-key-of-at-least-32-chars';

/** A data directory as a single file-mode gateway leaves it. */
async function writeDataDir(config: AppConfig): Promise<void> {
  await new FileAccountRepository(config).save([account('acc_1', { refreshToken: 'rt-secret' }), account('acc_2')]);
  await new FileFlowRepository(config).save([flow('f1')]);
  await new FileApiKeyRepository(config).save([apiKey('k1')]);
  // The trace file rotated once: the older traces are in its previous segment (requests-trace.jsonl.1).
  const previous = new JsonlLog<TraceRecord>(`${config.traceFilePath}.1`);
  for (let i = 1; i <= 3; i++) previous.append(traceRecord(`t${i}`));
  await previous.close();
  const traces = new JsonlLog<TraceRecord>(config.traceFilePath);
  for (let i = 4; i <= 5; i++) traces.append(traceRecord(`t${i}`));
  await traces.close();
  const history = new JsonlLog<StatsRecord>(config.traceStatsHistoryPath);
  for (let i = 1; i <= 2500; i++) history.append(statsRecord(`h${i}`, { at: 1_700_000_000_000 + i }));
  await history.close();
  appendFileSync(config.traceStatsHistoryPath, '{"torn": tr'); // a crash mid-line, as §10.1 allows
}

describeWithPostgres('importing a file data directory', () => {
  let env: PgEnv;
  let url: string;

  beforeAll(async () => {
    env = await startPgEnv();
  });

  afterAll(async () => {
    await env.close();
  });

  beforeEach(async () => {
    url = await env.newDatabase();
  });

  afterEach(async () => {
    await env.release();
  });

  it('copies accounts (tokens re-encrypted), flows, keys, the newest traces and the whole history', async () => {
    const config = env.config(url, { ENCRYPTION_KEY: KEY, TRACE_RETENTION_MAX: '3' });
    await writeDataDir(config);
    const db = await env.open(url);
    const summary = await importDataDir(config, db);
    expect(summary).toEqual({ accounts: 2, flows: 1, apiKeys: 1, traces: 3, history: 2500, skippedLines: 1 });
    const accounts = await new PostgresAccountRepository(db, config).load();
    expect(accounts.map((a) => [a.id, a.refreshToken])).toEqual([
      ['acc_1', 'rt-secret'],
      ['acc_2', 'refresh-acc_2'],
    ]);
    expect(JSON.stringify(await db.query('SELECT doc FROM accounts'))).not.toContain('rt-secret');
    expect((await new PostgresFlowRepository(db).load()).map((f) => f.id)).toEqual(['f1']);
    expect((await new PostgresApiKeyRepository(db).load()).map((k) => k.id)).toEqual(['k1']);
    expect((await db.query('SELECT id FROM traces ORDER BY seq')).map((r) => r['id'])).toEqual(['t3', 't4', 't5']);
    const history: StatsRecord[] = [];
    await new PgHistoryLog(db, new ChangeFeed(db), {}).readAll((record) => history.push(record));
    expect(history).toHaveLength(2500);
    expect(history[2499]).toEqual(statsRecord('h2500', { at: 1_700_000_000_000 + 2500 }));
  });

  it('refuses a database that already holds data, and with force imports again without duplicates', async () => {
    const config = env.config(url);
    await writeDataDir(config);
    const db = await env.open(url);
    await importDataDir(config, db);
    await expect(importDataDir(config, db)).rejects.toThrow(ImportRefusedError);
    await importDataDir(config, db, { force: true });
    expect(await db.query('SELECT count(*)::int AS n FROM stats_history')).toEqual([{ n: 2500 }]);
    expect(await db.query('SELECT count(*)::int AS n FROM accounts')).toEqual([{ n: 2 }]);
  });

  it('runs as a command: prints what it copied, refuses a second run, explains bad arguments', async () => {
    const config = env.config(url);
    await writeDataDir(config);
    const output = { out: '', err: '' };
    const io = { out: (text: string) => void (output.out += text), err: (text: string) => void (output.err += text) };
    const cliEnv = { DATA_DIR: config.dataDir, DATABASE_URL: url };
    expect(await runImportCli([], cliEnv, io)).toBe(0);
    expect(output.out).toContain(
      '2 account(s), 1 OAuth flow(s), 1 client key(s), 5 trace(s), 2500 stats history record(s)',
    );
    expect(output.out).not.toContain('refresh-acc_2');
    expect(await runImportCli([], cliEnv, io)).toBe(1);
    expect(output.err).toContain('already holds data');
    expect(await runImportCli(['--wipe'], cliEnv, io)).toBe(2);
    expect(output.err).toContain('Unknown argument(s): --wipe');
  });
});
