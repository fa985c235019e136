import { type DynamicModule, Global, Logger, Module, type Provider, type Type } from '@nestjs/common';
import { AppConfig } from '@mcp/config';
import { PostgresAccountRepository } from './accounts/postgres-account.repository';
import { PostgresRefreshLock } from './accounts/refresh-lock';
import { PostgresCatalogueShare } from './catalogue/postgres-catalogue-share';
import { PostgresApiKeyRepository } from './client-keys/postgres-api-key.repository';
import { ChangeFeed } from './db/change-feed';
import { type DatabaseOptions, PgDatabase } from './db/database';
import { StoreFollowers } from './followers';
import { PostgresLeadership } from './jobs/leadership';
import { PostgresRetentionJob } from './jobs/retention.job';
import { PostgresFlowRepository } from './oauth/postgres-flow.repository';
import { SharedSessionAffinity } from './routing/shared-session-affinity';
import { SHARED_STORE_TOKENS } from './shared-store-tokens';
import { PostgresTraceLogs } from './tracing/postgres-trace-logs';

export type PostgresModuleOptions = Omit<DatabaseOptions, 'url'>;

/** Each adapter under the token its feature module looks up (see shared-store-tokens.ts). */
const SHARED_ADAPTERS: [string, Type][] = [
  [SHARED_STORE_TOKENS.accountRepository, PostgresAccountRepository],
  [SHARED_STORE_TOKENS.flowRepository, PostgresFlowRepository],
  [SHARED_STORE_TOKENS.apiKeyRepository, PostgresApiKeyRepository],
  [SHARED_STORE_TOKENS.traceLogs, PostgresTraceLogs],
  [SHARED_STORE_TOKENS.sessionAffinity, SharedSessionAffinity],
  [SHARED_STORE_TOKENS.refreshCoordinator, PostgresRefreshLock],
  [SHARED_STORE_TOKENS.fleetLeadership, PostgresLeadership],
  [SHARED_STORE_TOKENS.catalogueShare, PostgresCatalogueShare],
];

/**
 * PostgreSQL as the shared store of several replicas (STORAGE=postgres). Global, so the feature
 * modules find its adapters by token without importing it. The database is opened and migrated
 * by an async provider, before any module loads its state. Needs ConfigModule.forRoot() (AppConfig,
 * Clock) and, for the retention job, ScheduleModule.forRoot().
 */
@Global()
@Module({})
export class PostgresModule {
  static forRoot(config: AppConfig, options: PostgresModuleOptions = {}): DynamicModule {
    const url = config.databaseUrl;
    if (!url) throw new Error('PostgresModule needs DATABASE_URL (STORAGE=postgres)');
    const concrete = SHARED_ADAPTERS.map(([, adapter]) => adapter);
    const aliases: Provider[] = SHARED_ADAPTERS.map(([token, adapter]) => ({ provide: token, useExisting: adapter }));
    const tokens = SHARED_ADAPTERS.map(([token]) => token);
    return {
      module: PostgresModule,
      providers: [
        { provide: PgDatabase, useFactory: () => openShared(config, { ...options, url }) },
        ChangeFeed,
        ...concrete,
        ...aliases,
        StoreFollowers,
        PostgresRetentionJob,
      ],
      exports: [PgDatabase, ChangeFeed, ...concrete, ...tokens],
    };
  }
}

async function openShared(config: AppConfig, options: DatabaseOptions): Promise<PgDatabase> {
  if (config.adminToken === undefined) {
    // A generated admin token lives in each replica's DATA_DIR: the replicas would not share one.
    new Logger('Postgres').warn('ADMIN_TOKEN is not set: with several replicas, set the same ADMIN_TOKEN on each');
  }
  return PgDatabase.open(options);
}
