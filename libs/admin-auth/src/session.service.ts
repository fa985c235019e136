import { Injectable } from '@nestjs/common';
import type { CookieOptions, Request } from 'express';
import type { SessionStatusResponse } from '@mcp/contracts';
import { AdminGuard } from './admin.guard';
import { AdminTokenService } from './admin-token.service';
import { ADMIN_COOKIE } from './request-credentials';

export interface SessionCookie {
  name: string;
  value: string;
  options: CookieOptions;
}

/** The dashboard's cookie session (PROTOCOL.md §11.1): sign-in is throttled exactly like the guard. */
@Injectable()
export class SessionService {
  constructor(
    private readonly tokens: AdminTokenService,
    private readonly guard: AdminGuard,
  ) {}

  status(request: Request): SessionStatusResponse {
    return { authenticated: this.guard.isAuthenticated(request) };
  }

  /** The cookie to set for a correct token; InvalidAdminTokenError (401) or AdminSignInThrottledError (429) else. */
  signIn(token: string, request: Request): SessionCookie {
    this.guard.admit(request, () => this.tokens.matches(token));
    return {
      name: ADMIN_COOKIE,
      value: this.tokens.sessionValue(),
      options: { httpOnly: true, sameSite: 'strict', secure: request.secure, path: '/' },
    };
  }

  signOut(): { name: string; options: CookieOptions } {
    return { name: ADMIN_COOKIE, options: { path: '/' } };
  }
}
