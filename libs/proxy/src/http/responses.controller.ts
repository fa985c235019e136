import { Controller, Post, Req, Res, UseGuards } from '@nestjs/common';
import type { Response } from 'express';
import { ClientKeyGuard } from '@mcp/client-keys';
import { ProxyService } from '../proxy/proxy.service';
import type { ProxyRequest } from '../request-context';

/** The native Responses API (§5.7) and remote compaction (§2.5); `@Res()` because answers may stream. */
@Controller()
@UseGuards(ClientKeyGuard)
export class ResponsesController {
  constructor(private readonly proxy: ProxyService) {}

  @Post(['v1/responses', 'responses'])
  create(@Req() req: ProxyRequest, @Res() res: Response): Promise<void> {
    return this.proxy.responses(req, res);
  }

  @Post(['v1/responses/compact', 'responses/compact'])
  compact(@Req() req: ProxyRequest, @Res() res: Response): Promise<void> {
    return this.proxy.compact(req, res);
  }
}
