import { Controller, Get, Headers, Post, Req, Res, UseGuards } from '@nestjs/common';
import type { Response } from 'express';
import { ClientKeyGuard } from '@mcp/client-keys';
import { ProxyService } from '../proxy/proxy.service';
import type { ProxyRequest } from '../request-context';
import { CodexCatalogueService, type CodexCatalogue } from './codex-catalogue.service';

/**
 * The ChatGPT-shaped prefix (PROTOCOL.md §13.2): a Codex `base_url` ending in `/backend-api/codex` works like one
 * ending in `/v1`. The same services answer; traces keep the path the client used.
 */
@Controller('backend-api/codex')
@UseGuards(ClientKeyGuard)
export class CodexPrefixController {
  constructor(
    private readonly proxy: ProxyService,
    private readonly catalogue: CodexCatalogueService,
  ) {}

  @Post('responses')
  create(@Req() req: ProxyRequest, @Res() res: Response): Promise<void> {
    return this.proxy.responses(req, res);
  }

  @Post('responses/compact')
  compact(@Req() req: ProxyRequest, @Res() res: Response): Promise<void> {
    return this.proxy.compact(req, res);
  }

  /** `?client_version=` is accepted and ignored: discovery already asked upstream with MODELS_CLIENT_VERSION. */
  @Get('models')
  models(
    @Headers('if-none-match') ifNoneMatch: string | undefined,
    @Res({ passthrough: true }) res: Response,
  ): CodexCatalogue | undefined {
    const answer = this.catalogue.catalogue();
    res.setHeader('etag', answer.etag);
    res.setHeader('x-models-etag', answer.etag);
    if (ifNoneMatch === answer.etag) {
      res.status(304);
      return undefined;
    }
    return answer.body;
  }
}
