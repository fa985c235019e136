import { type DynamicModule, Global, Logger, Module, type Provider, type Type } from '@nestjs/common';
import { AccountRepository, CatalogueShare, RefreshCoordinator } from '@mcp/accounts';
import { ApiKeyRepository, RpmLimiter } from '@mcp/client-keys';
import { AppConfig } from '@mcp/config';
import { FlowRepository } from '@mcp/oauth';
import { SessionAffinity } from '@mcp/routing';
import { FleetLeadership, type Port, SharedStore } from '@mcp/storage';
import { TraceLogs } from '@mcp/tracing';
import { PostgresAccountRepository } from './accounts/postgres-account.repository';
import { PostgresRefreshLock } from './accounts/refresh-lock';
import { PostgresCatalogueShare } from './catalogue/postgres-catalogue-share';
import { PostgresApiKeyRepository } from './client-keys/postgres-api-key.repository';
import { PostgresRpmLimiter } from './client-keys/postgres-rpm-limiter';
import { ChangeFeed } from './db/change-feed';
import { type DatabaseOptions, PgDatabase } from './db/database';
import { StoreFollowers } from './followers';
import { PostgresLeadership } from './jobs/leadership';
import { PostgresRetentionJob } from './jobs/retention.job';
import { PostgresFlowRepository } from './oauth/postgres-flow.repository';
import { SharedSessionAffinity } from './routing/shared-session-affinity';
import { PostgresTraceLogs } from './tracing/postgres-trace-logs';

export type PostgresModuleOptions = Omit<DatabaseOptions, 'url'>;

/** Every storage port, by class, with its PostgreSQL adapter. A port missing here stops boot (storagePort). */
export const POSTGRES_ADAPTERS: ReadonlyMap<Port, Type> = new Map<Port, Type>([
  [AccountRepository, PostgresAccountRepository],
  [FlowRepository, PostgresFlowRepository],
  [ApiKeyRepository, PostgresApiKeyRepository],
  [RpmLimiter, PostgresRpmLimiter],
  [TraceLogs, PostgresTraceLogs],
  [SessionAffinity, SharedSessionAffinity],
  [RefreshCoordinator, PostgresRefreshLock],
  [FleetLeadership, PostgresLeadership],
  [CatalogueShare, PostgresCatalogueShare],
]);

/** The SharedStore the feature modules' storagePort asks: PostgreSQL's adapter instance for each port. */
export class PostgresStore extends SharedStore {
  readonly name = 'PostgreSQL (STORAGE=postgres)';

  constructor(private readonly adapters: ReadonlyMap<Port, unknown>) {
    super();
  }

  adapterFor<T>(port: Port<T>): T | undefined {
    return this.adapters.get(port) as T | undefined;
  }
}

/** Injecting the adapters (not looking them up later) makes Nest build them before any port resolves. */
function sharedStoreProvider(): Provider {
  const ports = [...POSTGRES_ADAPTERS.keys()];
  return {
    provide: SharedStore,
    useFactory: (...instances: unknown[]) => new PostgresStore(new Map(ports.map((port, i) => [port, instances[i]]))),
    inject: [...POSTGRES_ADAPTERS.values()],
  };
}

/**
 * PostgreSQL as the shared store of several replicas (STORAGE=postgres). Global: it provides SharedStore, which
 * every feature module's storagePort consults, and each port by class for direct injection. The database is
 * opened and migrated by an async provider, before any module loads its state. Needs ConfigModule.forRoot()
 * (AppConfig, Clock) and, for the retention job, ScheduleModule.forRoot().
 */
@Global()
@Module({})
export class PostgresModule {
  static forRoot(config: AppConfig, options: PostgresModuleOptions = {}): DynamicModule {
    const url = config.databaseUrl;
    if (!url) throw new Error('PostgresModule needs DATABASE_URL (STORAGE=postgres)');
    const adapters = [...new Set(POSTGRES_ADAPTERS.values())];
    const byPort: Provider[] = [...POSTGRES_ADAPTERS].map(([port, adapter]) => ({
      provide: port,
      useExisting: adapter,
    }));
    return {
      module: PostgresModule,
      providers: [
        { provide: PgDatabase, useFactory: () => openShared(config, { ...options, url }) },
        ChangeFeed,
        ...adapters,
        ...byPort,
        sharedStoreProvider(),
        StoreFollowers,
        PostgresRetentionJob,
      ],
      exports: [PgDatabase, ChangeFeed, SharedStore, ...adapters, ...POSTGRES_ADAPTERS.keys()],
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
