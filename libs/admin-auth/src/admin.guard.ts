import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import type { Request } from 'express';
import { AdminSignInThrottledError, InvalidAdminTokenError } from './admin-auth.errors';
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

  canActivate(context: ExecutionContext): boolean {
    this.admit(context.switchToHttp().getRequest<Request>(), (request) => this.isAuthenticated(request));
    return true;
  }

  /**
   * Runs one credential check under the per-client throttle: refused unread while the client is locked out, then
   * counted. Synchronous from check to count, so parallel guesses cannot slip past the limit.
   */
  admit(request: Request, check: (request: Request) => boolean): void {
    const client = this.throttle.clientOf(request);
    const waitMs = this.throttle.retryAfterMs(client);
    if (waitMs > 0) throw new AdminSignInThrottledError(Math.ceil(waitMs / 1000));
    if (check(request)) {
      this.throttle.succeed(client);
      return;
    }
    this.throttle.fail(client);
    throw new InvalidAdminTokenError();
  }

  isAuthenticated(request: Request): boolean {
    const headers = request.headers;
    const explicit = headerValue(headers, 'x-admin-token') ?? bearerToken(headers);
    if (explicit !== undefined) return this.tokens.matches(explicit);
    return this.tokens.matchesSession(cookieValue(headers, ADMIN_COOKIE));
  }
}
