// The only door of @mcp/postgres: PostgreSQL as the shared store of several replicas (STORAGE=postgres), chosen by
// StorageModule.forRoot(config); and the one-off import of a DATA_DIR (scripts/import-to-postgres.mjs).
// Its adapters and internals stay inside: they are reached through the ports of the feature libs.
export { StorageModule } from './storage.module';
export { POSTGRES_ADAPTERS, PostgresModule, type PostgresModuleOptions, PostgresStore } from './postgres.module';
export { PgDatabase, type DatabaseOptions, describeUrl } from './db/database';
export { PostgresLeadership } from './jobs/leadership';
export { ImportRefusedError, importDataDir, type ImportOptions, type ImportSummary } from './import/import-data-dir';
export { type CliOutput, runImportCli } from './import/import-cli';
