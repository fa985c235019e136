import { Module } from '@nestjs/common';
import { AccountsModule } from '@mcp/accounts';
import { RoutingService } from './routing.service';

/** Account choice for the proxy: ranking, blocks and cooldowns, session affinity (PROTOCOL.md §7). */
@Module({
  imports: [AccountsModule],
  providers: [RoutingService],
  exports: [RoutingService],
})
export class RoutingModule {}
