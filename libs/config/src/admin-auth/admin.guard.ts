import { CanActivate, ExecutionContext, Injectable, UnauthorizedException } from '@nestjs/common';
import type { Request } from 'express';
import { setTimeout as sleep } from 'node:timers/promises';
import { AdminTokenService } from './admin-token.service';
import { AuthThrottle } from './auth-throttle';
import { ADMIN_COOKIE, bearerToken, cookieValue, headerValue } from './request-credentials';

/** Guards /admin/*: `x-admin-token`, `Authorization: Bearer`, or the dashboard's session cookie. */
@Injectable()
export class AdminGuard implements CanActivate {
  constructor(
    private readonly tokens: AdminTokenService,
    private readonly throttle: AuthThrottle,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<Request>();
    const address = request.socket.remoteAddress ?? 'unknown';
    if (this.isAuthenticated(request)) {
      this.throttle.succeed(address);
      return true;
    }
    const delay = this.throttle.delayFor(address);
    this.throttle.fail(address);
    if (delay > 0) await sleep(delay);
    throw new UnauthorizedException('Missing or invalid admin token (send x-admin-token or Authorization: Bearer)');
  }

  isAuthenticated(request: Request): boolean {
    const headers = request.headers;
    const explicit = headerValue(headers, 'x-admin-token') ?? bearerToken(headers);
    if (explicit !== undefined) return this.tokens.matches(explicit);
    return this.tokens.matchesSession(cookieValue(headers, ADMIN_COOKIE));
  }
}
