import { DynamicModule, Global, Module } from '@nestjs/common';
import { AdminAuthModule } from './admin-auth/admin-auth.module';
import { AppConfig, loadConfig } from './app-config';
import { Clock, SystemClock } from './clock';

/**
 * Global: the validated AppConfig, the Clock and the admin guard are injectable everywhere,
 * so a feature module (or a spec) only needs `ConfigModule.forRoot(config)`.
 */
@Global()
@Module({})
export class ConfigModule {
  /** `clock` lets whole-app specs move time for the gateway and the emulator together. */
  static forRoot(config?: AppConfig, clock: Clock = new SystemClock()): DynamicModule {
    return {
      module: ConfigModule,
      imports: [AdminAuthModule],
      providers: [
        { provide: AppConfig, useValue: config ?? loadConfig() },
        { provide: Clock, useValue: clock },
      ],
      exports: [AppConfig, Clock, AdminAuthModule],
    };
  }
}
