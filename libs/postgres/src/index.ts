// The only door of @mcp/postgres: PostgreSQL as the shared store of several replicas (STORAGE=postgres).
export { PostgresModule, type PostgresModuleOptions } from './postgres.module';
export { SHARED_STORE_TOKENS, type SharedStoreRole } from './shared-store-tokens';
export type {
  AccountCatalogue,
  AccountsMemory,
  ApiKeysMemory,
  CatalogueMemory,
  CatalogueShare,
  FleetLeadership,
  RecordLog,
  RecordLogOptions,
  RefreshCoordinator,
  SharedCatalogue,
  TraceLogs,
} from './host-ports';
export { PgDatabase, type DatabaseOptions, describeUrl } from './db/database';
export { ChangeFeed, type Change, type ChangeTopic } from './db/change-feed';
export { MIGRATIONS, type Migration } from './db/migrations';
export { runMigrations, type MigrationResult } from './db/migrator';
export { merge3, sameJson } from './json-merge';
export { PostgresAccountRepository } from './accounts/postgres-account.repository';
export { PostgresRefreshLock } from './accounts/refresh-lock';
export { PostgresFlowRepository } from './oauth/postgres-flow.repository';
export { PostgresApiKeyRepository } from './client-keys/postgres-api-key.repository';
export { SharedSessionAffinity } from './routing/shared-session-affinity';
export { PostgresTraceLogs } from './tracing/postgres-trace-logs';
export { PgTraceLog } from './tracing/trace-log';
export { PgHistoryLog } from './tracing/history-log';
export { PostgresCatalogueShare } from './catalogue/postgres-catalogue-share';
export { PostgresLeadership } from './jobs/leadership';
export { PostgresRetentionJob } from './jobs/retention.job';
export { StoreFollowers } from './followers';
export { ImportRefusedError, importDataDir, type ImportOptions, type ImportSummary } from './import/import-data-dir';
export { type CliOutput, runImportCli } from './import/import-cli';
