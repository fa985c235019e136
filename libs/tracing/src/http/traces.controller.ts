import { Controller, Get, Header, Param, Query, UseGuards } from '@nestjs/common';
import { AdminGuard } from '@mcp/admin-auth';
import type { TraceResponse, TracesLegacyResponse, TracesPageResponse } from '@mcp/contracts';
import { TracingService } from '../tracing.service';
import { TraceFilterQueryDto, TracesQueryDto } from './dto/traces-query.dto';

/** GET /admin/traces, its export, and one trace (PROTOCOL.md §11.3, §11.4). */
@Controller('admin/traces')
@UseGuards(AdminGuard)
export class TracesController {
  constructor(private readonly tracing: TracingService) {}

  @Get()
  list(@Query() query: TracesQueryDto): Promise<TracesPageResponse | TracesLegacyResponse> {
    return this.tracing.listTraces(query);
  }

  // Declared before :id so "export" is never taken for a trace id.
  @Get('export')
  @Header('content-type', 'application/x-ndjson; charset=utf-8')
  @Header('content-disposition', 'attachment; filename="requests-trace.jsonl"')
  export(@Query() query: TraceFilterQueryDto): Promise<string> {
    return this.tracing.exportTraces(query);
  }

  @Get(':id')
  get(@Param('id') id: string): Promise<TraceResponse> {
    return this.tracing.getTrace(id);
  }
}
