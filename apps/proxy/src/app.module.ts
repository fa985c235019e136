import { DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { ScheduleModule } from '@nestjs/schedule';
import { AccountsModule } from '@mcp/accounts';
import { AdminAuthModule } from '@mcp/admin-auth';
import { AppConfig, Clock, ConfigModule } from '@mcp/config';
import { ErrorsModule, GlobalExceptionFilter } from '@mcp/errors';
import { OAuthModule } from '@mcp/oauth';
import { StorageModule } from '@mcp/postgres';
import { ProxyModule } from '@mcp/proxy';
import { RoutingModule } from '@mcp/routing';
import { TracingModule } from '@mcp/tracing';
import { AdminConfigController } from './admin-config/admin-config.controller';
import { AdminConfigService } from './admin-config/admin-config.service';
import { HealthController } from './health/health.controller';
import { HealthService } from './health/health.service';

/** Composes the feature modules; the schedule registry is created here, once. */
@Module({})
export class AppModule {
  static forRoot(config: AppConfig, clock?: Clock): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot(config, clock),
        ScheduleModule.forRoot(),
        ErrorsModule,
        AdminAuthModule,
        // Files, or (STORAGE=postgres) one database shared by several replicas behind every storage port.
        StorageModule.forRoot(config),
        AccountsModule,
        OAuthModule,
        RoutingModule,
        TracingModule,
        ProxyModule,
      ],
      controllers: [HealthController, AdminConfigController],
      providers: [
        HealthService,
        AdminConfigService,
        // The one exception filter: each feature's error table, rendered in the envelope of the request's surface.
        // Also by class: the /v1 fast lane renders its errors through it (bootstrap.ts).
        GlobalExceptionFilter,
        { provide: APP_FILTER, useExisting: GlobalExceptionFilter },
      ],
    };
  }
}
