import type { ErrorRule } from '@mcp/errors';

// Domain errors of admin authentication: plain classes; ADMIN_AUTH_ERRORS maps them for the global filter.

export class InvalidAdminTokenError extends Error {
  constructor(message = 'Missing or invalid admin token (send x-admin-token or Authorization: Bearer)') {
    super(message);
    this.name = 'InvalidAdminTokenError';
  }
}

/** Too many failed attempts from one client: refused unread until the window ends. */
export class AdminSignInThrottledError extends Error {
  constructor(readonly retryAfterSeconds: number) {
    super(`Too many failed admin sign-ins from this address: try again in ${retryAfterSeconds}s`);
    this.name = 'AdminSignInThrottledError';
  }
}

export const ADMIN_AUTH_ERRORS: readonly ErrorRule[] = [
  [InvalidAdminTokenError, 401],
  [
    AdminSignInThrottledError,
    (error: AdminSignInThrottledError) => ({
      status: 429,
      headers: { 'retry-after': String(error.retryAfterSeconds) },
    }),
  ],
];
