import { Controller, Get, Query, UseGuards } from '@nestjs/common';
import { AdminGuard } from '@mcp/admin-auth';
import type { TraceStatsResponse, UsageStatsResponse } from '@mcp/contracts';
import { TracingService } from '../tracing.service';
import { StatsQueryDto, TraceStatsQueryDto } from './dto/stats-query.dto';

/** Usage and trace statistics over the full history (PROTOCOL.md §11.5). */
@Controller('admin/stats')
@UseGuards(AdminGuard)
export class StatsController {
  constructor(private readonly tracing: TracingService) {}

  @Get('usage')
  usage(@Query() query: StatsQueryDto): UsageStatsResponse {
    return this.tracing.usageStats(query);
  }

  @Get('traces')
  traces(@Query() query: TraceStatsQueryDto): TraceStatsResponse {
    return this.tracing.traceStats(query);
  }
}
