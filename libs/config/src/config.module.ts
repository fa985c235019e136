import { DynamicModule, Global, Module } from '@nestjs/common';
import { AppConfig, loadConfig } from './app-config';
import { Clock, SystemClock, SystemTimers, Timers } from './clock';

/**
 * Global: the validated AppConfig, the Clock and Timers are injectable everywhere, so a feature module (or a spec)
 * only needs `ConfigModule.forRoot(config)`. Admin authentication is @mcp/admin-auth.
 */
@Global()
@Module({})
export class ConfigModule {
  /** `clock` lets whole-app specs move time for the gateway and the emulator together. */
  static forRoot(config?: AppConfig, clock: Clock = new SystemClock()): DynamicModule {
    return {
      module: ConfigModule,
      providers: [
        { provide: AppConfig, useValue: config ?? loadConfig() },
        { provide: Clock, useValue: clock },
        { provide: Timers, useValue: new SystemTimers() },
      ],
      exports: [AppConfig, Clock, Timers],
    };
  }
}
