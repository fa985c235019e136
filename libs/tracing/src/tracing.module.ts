import { Module } from '@nestjs/common';
import { AccountsModule } from '@mcp/accounts';
import { AdminAuthModule } from '@mcp/admin-auth';
import { errorTable } from '@mcp/errors';
import { storagePort } from '@mcp/storage';
import { TRACING_ERRORS } from './errors';
import { StatsController } from './http/stats.controller';
import { TracesController } from './http/traces.controller';
import { MetricsController } from './metrics/metrics.controller';
import { MetricsGuard } from './metrics/metrics.guard';
import { MetricsService } from './metrics/metrics.service';
import { FileTraceLogs, TraceLogs } from './trace-logs';
import { TracingService } from './tracing.service';

/**
 * Traces, the stats history and Prometheus metrics. Needs ConfigModule.forRoot(). Reads accounts (labels, quota
 * gauges, refresh counts) from AccountsModule, which imports nothing of tracing.
 */
@Module({
  imports: [AdminAuthModule, AccountsModule],
  controllers: [TracesController, StatsController, MetricsController],
  providers: [
    ...storagePort(TraceLogs, FileTraceLogs),
    TracingService,
    MetricsService,
    MetricsGuard,
    errorTable('tracing', TRACING_ERRORS),
  ],
  exports: [TracingService, MetricsService],
})
export class TracingModule {}
