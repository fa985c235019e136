import { type DynamicModule, Module } from '@nestjs/common';
import type { AppConfig } from '@mcp/config';
import { PostgresModule, type PostgresModuleOptions } from './postgres.module';

/**
 * The one place storage is chosen. STORAGE=file: nothing to add, every feature module's storagePort gives its
 * local adapter (files under DATA_DIR, or memory). STORAGE=postgres: PostgresModule's SharedStore, which serves
 * every port or stops boot naming the one it cannot (HalfSharedStoreError), so no replica runs half-shared.
 */
@Module({})
export class StorageModule {
  static forRoot(config: AppConfig, options: PostgresModuleOptions = {}): DynamicModule {
    return {
      module: StorageModule,
      imports: config.storage === 'postgres' ? [PostgresModule.forRoot(config, options)] : [],
    };
  }
}
