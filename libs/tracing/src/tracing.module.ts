import { Module } from '@nestjs/common';
import { AdminAuthModule } from '@mcp/admin-auth';
import { errorTable } from '@mcp/errors';
import { storagePort } from '@mcp/storage';
import { AccountsLookup } from './accounts-lookup';
import { TRACING_ERRORS } from './errors';
import { StatsController } from './http/stats.controller';
import { TracesController } from './http/traces.controller';
import { MetricsController } from './metrics/metrics.controller';
import { MetricsGuard } from './metrics/metrics.guard';
import { MetricsService } from './metrics/metrics.service';
import { FileTraceLogs, TraceLogs } from './trace-logs';
import { TracingService } from './tracing.service';

/**
 * Traces, the stats history and Prometheus metrics. Needs ConfigModule.forRoot() and
 * AdminAuthModule (AppConfig, Clock, AdminGuard). Reads accounts lazily (AccountsLookup), so it
 * does not import AccountsModule and AccountsModule may import it.
 */
@Module({
  imports: [AdminAuthModule],
  controllers: [TracesController, StatsController, MetricsController],
  providers: [
    ...storagePort(TraceLogs, FileTraceLogs),
    TracingService,
    MetricsService,
    MetricsGuard,
    AccountsLookup,
    errorTable('tracing', TRACING_ERRORS),
  ],
  exports: [TracingService, MetricsService],
})
export class TracingModule {}
