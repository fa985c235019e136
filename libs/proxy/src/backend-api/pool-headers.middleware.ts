import { Injectable, type NestMiddleware } from '@nestjs/common';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { NextFunction } from 'express';
import { ApiKeysService } from '@mcp/client-keys';
import { isRecord, sessionKeyOf } from '@mcp/codex';
import { bearerToken, headerValue } from '@mcp/admin-auth';
import { PoolUsageService } from './pool-usage.service';

/**
 * Answers through `/backend-api/codex/responses` carry `x-codex-*` headers describing the pool as this client sees
 * it (§13.4), like the backend's own per-account headers: Codex shows them in `/status`. Set before the handler
 * runs, so error answers carry them too (never to a caller without a valid key: the guard runs after this);
 * the request's model and session narrow the view.
 */
@Injectable()
export class PoolHeadersMiddleware implements NestMiddleware {
  constructor(
    private readonly usage: PoolUsageService,
    private readonly keys: ApiKeysService,
  ) {}

  use(req: IncomingMessage & { body?: unknown }, res: ServerResponse, next: NextFunction): void {
    if (this.keys.required && !this.presentsValidKey(req)) {
      next();
      return;
    }
    const body: unknown = req.body;
    const model = isRecord(body) && typeof body['model'] === 'string' ? body['model'] : undefined;
    const headers = this.usage.headersFor({
      ...(model ? { model } : {}),
      sessionKey: sessionKeyOf(isRecord(body) ? body : {}, req.headers),
    });
    for (const [name, value] of Object.entries(headers)) res.setHeader(name, value);
    next();
  }

  private presentsValidKey(req: IncomingMessage): boolean {
    const presented = [bearerToken(req.headers), headerValue(req.headers, 'x-api-key')];
    return presented.some((key) => typeof key === 'string' && key !== '' && this.keys.verify(key) !== undefined);
  }
}
