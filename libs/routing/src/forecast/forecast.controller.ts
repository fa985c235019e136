import { Controller, Get, Query, UseGuards } from '@nestjs/common';
import { AdminGuard } from '@mcp/admin-auth';
import type { PoolForecast } from '@mcp/contracts';
import { PoolForecastService } from './pool-forecast.service';

/** GET /admin/forecast[?model=…]: when the pool runs dry at the current pace (./pool-forecast.ts). */
@Controller('admin/forecast')
@UseGuards(AdminGuard)
export class ForecastController {
  constructor(private readonly forecasts: PoolForecastService) {}

  @Get()
  forecast(@Query('model') model?: string): PoolForecast {
    return this.forecasts.forecast(typeof model === 'string' && model.trim() !== '' ? model.trim() : undefined);
  }
}
