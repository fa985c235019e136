import { All, Controller, Head, HttpCode, Post, Req, Res, UseGuards } from '@nestjs/common';
import type { Request, Response } from 'express';
import { ClientKeyGuard } from '@mcp/client-keys';
import { methodNotAllowed, unknownUrl } from '../errors/openai-error';
import { ProxyService } from '../proxy/proxy.service';
import type { ProxyRequest } from '../request-context';
import { MessagesService } from './messages.service';

const POST_ONLY = /^\/v1\/messages(\/count_tokens)?\/?$/;

/**
 * The Anthropic Messages API (PROTOCOL.md §14) for Claude Code and Anthropic SDKs. Claude Code adds `?beta=true`
 * (nothing to do: routes ignore the query). Errors on these paths are rendered by AnthropicErrorSurface.
 */
@Controller()
export class MessagesController {
  constructor(
    private readonly proxy: ProxyService,
    private readonly messages: MessagesService,
  ) {}

  @Post('v1/messages')
  @UseGuards(ClientKeyGuard)
  create(@Req() req: ProxyRequest, @Res() res: Response): Promise<void> {
    return this.proxy.serve(this.messages.surface(), req, res);
  }

  @Post('v1/messages/count_tokens')
  @HttpCode(200)
  @UseGuards(ClientKeyGuard)
  countTokens(@Req() req: ProxyRequest): { input_tokens: number } {
    return this.messages.countTokens(req);
  }

  /** Registered before the /v1 catch-all, so a wrong method or path here still gets Anthropic's envelope. */
  @All(['v1/messages', 'v1/messages/*path'])
  unmatched(@Req() req: Request): never {
    if (POST_ONLY.test(req.path)) throw methodNotAllowed(req.method, req.path, ['POST']);
    throw unknownUrl(req.method, req.path);
  }
}

/** Claude Code probes its base URL with `HEAD /` before the first request and wants a 200. */
@Controller()
export class RootProbeController {
  @Head()
  probe(): void {
    // An empty 200: the probe only checks that something answers.
  }
}
