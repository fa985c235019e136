import { Logger } from '@nestjs/common';
import type { AppConfig } from '@mcp/config';
import { type PgCluster, disposeTestConfig, startPgCluster, testConfig } from '@mcp/testing';
import { type DatabaseOptions, PgDatabase } from '../src/db/database';

/** One throwaway cluster per spec file; a fresh database per test; everything opened is closed in close(). */
export interface PgEnv {
  cluster: PgCluster;
  newDatabase(): Promise<string>;
  /** A replica's connection to `url` (migrated). */
  open(url: string, options?: Omit<DatabaseOptions, 'url'>): Promise<PgDatabase>;
  config(url: string, env?: Record<string, string>): AppConfig;
  /** Closes what the current test opened (afterEach). */
  release(): Promise<void>;
  close(): Promise<void>;
}

export async function startPgEnv(): Promise<PgEnv> {
  Logger.overrideLogger(['error']); // boots and expected reconnects log; a spec shows only real trouble
  const cluster = await startPgCluster();
  let dbs: PgDatabase[] = [];
  let configs: AppConfig[] = [];
  const release = async () => {
    await Promise.all(dbs.map((db) => db.close()));
    configs.forEach(disposeTestConfig);
    dbs = [];
    configs = [];
  };
  return {
    cluster,
    newDatabase: () => cluster.createDatabase(),
    async open(url, options = {}) {
      const db = await PgDatabase.open({ url, poolSize: 4, lockPoolSize: 4, ...options });
      dbs.push(db);
      return db;
    },
    config(url, env = {}) {
      const config = testConfig({ STORAGE: 'postgres', DATABASE_URL: url, ...env });
      configs.push(config);
      return config;
    },
    release,
    async close() {
      await release();
      await cluster.stop();
    },
  };
}
