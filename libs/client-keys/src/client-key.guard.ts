import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import type { IncomingHttpHeaders } from 'node:http';
import type { Request } from 'express';
import { bearerToken, headerValue } from '@mcp/admin-auth';
import { ApiKeysService } from './api-keys.service';
import type { KeyMatch } from './api-key.types';
import { InvalidApiKeyError, KeyRateLimitedError, ModelNotAllowedError } from './client-key.errors';
import { RpmLimiter } from './rpm-limiter';

/** A /v1 request after the guard: which client key sent it (its id, never the key). */
export interface ClientKeyRequest extends Request {
  clientKeyId?: string;
}

/** What the check reads and writes: Express's request or Node's own, once its body is parsed. */
export interface ClientKeyCheckable {
  headers: IncomingHttpHeaders;
  body?: unknown;
  clientKeyId?: string;
}

/**
 * Guards /v1/*: open while no client key exists (the seed's behaviour), otherwise a valid key in
 * `Authorization: Bearer` or `x-api-key`, then the key's model list and requests-per-minute limit.
 */
@Injectable()
export class ClientKeyGuard implements CanActivate {
  constructor(
    private readonly keys: ApiKeysService,
    private readonly limiter: RpmLimiter,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    await this.authorize(context.switchToHttp().getRequest<ClientKeyRequest>());
    return true;
  }

  /**
   * The whole check, also called by the /v1 fast lane, which runs no Nest guards: resolves when the request may
   * go on (setting `clientKeyId`), throws the client-key error to render otherwise.
   */
  async authorize(request: ClientKeyCheckable): Promise<void> {
    if (!this.keys.required) return;
    const presented = [bearerToken(request.headers), headerValue(request.headers, 'x-api-key')].filter(
      (value): value is string => typeof value === 'string' && value.length > 0,
    );
    const match = this.firstMatch(presented);
    if (!match) throw new InvalidApiKeyError(presented.length > 0);
    request.clientKeyId = match.id;
    this.keys.recordUse(match.id);
    this.checkModel(match, request);
    await this.checkRate(match);
  }

  private firstMatch(presented: string[]): KeyMatch | undefined {
    for (const candidate of presented) {
      const match = this.keys.verify(candidate);
      if (match) return match;
    }
    return undefined;
  }

  private checkModel(match: KeyMatch, request: ClientKeyCheckable): void {
    if (!match.allowedModels) return;
    const body: unknown = request.body;
    const model = typeof body === 'object' && body !== null ? (body as { model?: unknown }).model : undefined;
    // A missing or non-string model is the route's 400 to give, not ours.
    if (typeof model === 'string' && !match.allowedModels.includes(model)) throw new ModelNotAllowedError(model);
  }

  private async checkRate(match: KeyMatch): Promise<void> {
    if (match.rpmLimit === undefined) return;
    const waitMs = await this.limiter.take(match.id, match.rpmLimit);
    if (waitMs === 0) return;
    throw new KeyRateLimitedError(match.rpmLimit, Math.ceil(waitMs / 1000));
  }
}
