import { Controller, Get, Query, Req, UseGuards } from '@nestjs/common';
import { sessionKeyOf } from '@mcp/codex';
import { ClientKeyGuard } from '@mcp/client-keys';
import type { ProxyRequest } from '../request-context';
import type { WhamUsage } from './pool-usage';
import { PoolUsageService } from './pool-usage.service';

/**
 * Pooled usage in the upstream's shape (PROTOCOL.md §6, §13.4). Codex reads `{chatgpt_base_url}/wham/usage` when
 * that base contains `/backend-api`, else `{chatgpt_base_url}/api/codex/usage`; `/v1/usage/pool` is the alias for
 * everyone else. `?model=` narrows the pool to the accounts that may serve that model.
 */
@Controller()
@UseGuards(ClientKeyGuard)
export class PoolUsageController {
  constructor(private readonly usage: PoolUsageService) {}

  @Get(['backend-api/wham/usage', 'api/codex/usage', 'v1/usage/pool'])
  read(@Req() req: ProxyRequest, @Query('model') model: unknown): WhamUsage {
    return this.usage.forClient({
      ...(typeof model === 'string' && model !== '' ? { model } : {}),
      sessionKey: sessionKeyOf({}, req.headers),
    });
  }
}
