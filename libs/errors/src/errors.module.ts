import { Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';

/**
 * What the global filter needs (provider discovery). The app imports it and registers
 * `{ provide: APP_FILTER, useClass: GlobalExceptionFilter }`; spec harnesses do the same.
 */
@Module({ imports: [DiscoveryModule], exports: [DiscoveryModule] })
export class ErrorsModule {}
