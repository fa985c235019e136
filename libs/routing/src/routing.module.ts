import { Module } from '@nestjs/common';
import { AccountsModule } from '@mcp/accounts';
import { TracingModule } from '@mcp/tracing';
import { ForecastController } from './forecast/forecast.controller';
import { PoolForecastService } from './forecast/pool-forecast.service';
import { RoutingService } from './routing.service';

/** Account choice for the proxy: ranking, blocks and cooldowns, session affinity, the pool forecast (PROTOCOL.md §7). */
@Module({
  imports: [AccountsModule, TracingModule],
  controllers: [ForecastController],
  providers: [RoutingService, PoolForecastService],
  exports: [RoutingService, PoolForecastService],
})
export class RoutingModule {}
