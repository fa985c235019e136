import { Controller, Post, Req, Res, UseGuards } from '@nestjs/common';
import type { Response } from 'express';
import { ClientKeyGuard } from '@mcp/client-keys';
import { ProxyService } from '../proxy/proxy.service';
import type { ProxyRequest } from '../request-context';

/** Chat Completions, translated to and from the Responses backend (§5). */
@Controller()
@UseGuards(ClientKeyGuard)
export class ChatController {
  constructor(private readonly proxy: ProxyService) {}

  @Post(['v1/chat/completions', 'chat/completions'])
  create(@Req() req: ProxyRequest, @Res() res: Response): Promise<void> {
    return this.proxy.chat(req, res);
  }
}
