import { FileAccountRepository } from '@mcp/accounts';
import { SystemClock } from '@mcp/config';
import type { StatsRecord, TraceRecord } from '@mcp/contracts';
import { FileFlowRepository } from '@mcp/oauth';
import { FileApiKeyRepository } from '@mcp/client-keys';
import { SessionAffinity } from '@mcp/routing';
import { JsonlLog } from '@mcp/storage';
import { describeWithPostgres, disposeTestConfig, testConfig } from '@mcp/testing';
import { PostgresAccountRepository } from '../src/accounts/postgres-account.repository';
import { PostgresApiKeyRepository } from '../src/client-keys/postgres-api-key.repository';
import { ChangeFeed } from '../src/db/change-feed';
import { PostgresFlowRepository } from '../src/oauth/postgres-flow.repository';
import { SharedSessionAffinity } from '../src/routing/shared-session-affinity';
import { PgHistoryLog } from '../src/tracing/history-log';
import { PgTraceLog } from '../src/tracing/trace-log';
import { accountRepositoryContract, type StoreUnderTest } from './contracts/account-repository.contract';
import { apiKeyRepositoryContract, flowRepositoryContract } from './contracts/document-repository.contract';
import { historyLogContract, traceLogContract } from './contracts/record-log.contract';
import { sessionAffinityContract } from './contracts/session-affinity.contract';
import { type PgEnv, startPgEnv } from './pg-env';
import { InMemoryAccountRepository, InMemoryFlowRepository } from '@mcp/testing/fakes';

// The same contracts, first against the embedded adapters (files, memory), then against PostgreSQL.

/** A file adapter over a fresh DATA_DIR; reopening builds a new adapter over the same files. */
function fileStore<R>(
  make: (config: ReturnType<typeof testConfig>) => R,
  env: Record<string, string> = {},
): () => Promise<StoreUnderTest<R>> {
  return async () => {
    const config = testConfig(env);
    return {
      repository: make(config),
      reopen: async () => make(config),
      cleanup: async () => disposeTestConfig(config),
    };
  };
}

accountRepositoryContract(
  'file (accounts.json)',
  fileStore((config) => new FileAccountRepository(config)),
);
accountRepositoryContract(
  'file, tokens encrypted',
  fileStore((config) => new FileAccountRepository(config), { ENCRYPTION_KEY: 'k'.repeat(40) }),
);
accountRepositoryContract('in memory', async () => {
  const repository = new InMemoryAccountRepository();
  return {
    repository,
    reopen: async () => new InMemoryAccountRepository(repository.snapshot()),
    cleanup: async () => undefined,
  };
});
flowRepositoryContract(
  'file (oauth-state.json)',
  fileStore((config) => new FileFlowRepository(config)),
);
flowRepositoryContract('in memory', async () => {
  const repository = new InMemoryFlowRepository();
  return {
    repository,
    reopen: async () => new InMemoryFlowRepository(repository.snapshot()),
    cleanup: async () => undefined,
  };
});
apiKeyRepositoryContract(
  'file (api-keys.json)',
  fileStore((config) => new FileApiKeyRepository(config)),
);
traceLogContract(
  'file (requests-trace.jsonl)',
  fileStore((config) => new JsonlLog<TraceRecord>(config.traceFilePath)),
);
historyLogContract(
  'file (requests-stats-history.jsonl)',
  fileStore((config) => new JsonlLog<StatsRecord>(config.traceStatsHistoryPath)),
);
sessionAffinityContract('in memory', async (ttlMs) => ({
  repository: new SessionAffinity(ttlMs),
  reopen: async () => new SessionAffinity(ttlMs),
  cleanup: async () => undefined,
}));

describeWithPostgres('PostgreSQL adapters', () => {
  let env: PgEnv;

  beforeAll(async () => {
    env = await startPgEnv();
  });

  afterAll(async () => {
    await env.close();
  });

  /** A fresh database; reopening connects a second replica to it. */
  function pgStore<R>(make: (env: PgEnv, url: string) => Promise<R>): () => Promise<StoreUnderTest<R>> {
    return async () => {
      const url = await env.newDatabase();
      return { repository: await make(env, url), reopen: () => make(env, url), cleanup: () => env.release() };
    };
  }

  accountRepositoryContract(
    'postgres',
    pgStore(async (e, url) => new PostgresAccountRepository(await e.open(url), e.config(url))),
  );
  accountRepositoryContract(
    'postgres, tokens encrypted',
    pgStore(
      async (e, url) =>
        new PostgresAccountRepository(await e.open(url), e.config(url, { ENCRYPTION_KEY: 'k'.repeat(40) })),
    ),
  );
  flowRepositoryContract(
    'postgres',
    pgStore(async (e, url) => new PostgresFlowRepository(await e.open(url))),
  );
  apiKeyRepositoryContract(
    'postgres',
    pgStore(async (e, url) => new PostgresApiKeyRepository(await e.open(url))),
  );
  traceLogContract(
    'postgres',
    pgStore(async (e, url) => {
      const db = await e.open(url);
      return new PgTraceLog(db, new ChangeFeed(db), 1000, {});
    }),
  );
  historyLogContract(
    'postgres',
    pgStore(async (e, url) => {
      const db = await e.open(url);
      return new PgHistoryLog(db, new ChangeFeed(db), {});
    }),
  );
  sessionAffinityContract('postgres', async (ttlMs) => {
    const url = await env.newDatabase();
    const feeds: ChangeFeed[] = [];
    const affinities: SharedSessionAffinity[] = [];
    const make = async () => {
      const db = await env.open(url);
      const feed = new ChangeFeed(db);
      feeds.push(feed);
      const config = env.config(url, { SESSION_AFFINITY_TTL_MS: String(ttlMs) });
      const affinity = new SharedSessionAffinity(config, db, feed, new SystemClock());
      affinities.push(affinity);
      await affinity.onModuleInit();
      return affinity;
    };
    return {
      repository: await make(),
      reopen: make,
      cleanup: async () => {
        await Promise.all(affinities.map((affinity) => affinity.onModuleDestroy()));
        await Promise.all(feeds.map((feed) => feed.stop()));
        await env.release();
      },
    };
  });
});
