import type { IncomingMessage } from 'node:http';
import { HttpError, headerValue } from './http-util';
import type { EmulatorState } from './state';
import type { AccountRecord, RouteName } from './types';

const TOKEN_EXPIRED = {
  error: {
    message: 'Provided authentication token is expired. Please try signing in again.',
    type: 'invalid_request_error',
    code: 'token_expired',
    param: null,
  },
};

const TOKEN_INVALIDATED = {
  error: {
    message: 'Your authentication token has been invalidated. Please try signing in again.',
    type: 'invalid_request_error',
    code: 'token_invalidated',
    param: null,
  },
};

/**
 * Bearer token must be a live access token of a known account, and `chatgpt-account-id` must name
 * that token's workspace. Throws the real backend's 401/403 bodies otherwise.
 */
export function authenticate(state: EmulatorState, req: IncomingMessage, route: RouteName): AccountRecord {
  const auth = headerValue(req, 'authorization') ?? '';
  const match = /^Bearer\s+(\S+)$/i.exec(auth);
  if (!match) {
    state.counters.unauthenticated += 1;
    throw new HttpError(401, {
      error: {
        message: 'Missing bearer authentication in header',
        type: 'invalid_request_error',
        code: null,
        param: null,
      },
    });
  }
  const entry = state.accessTokens.get(match[1]!);
  const account = entry && state.accounts.get(entry.accountId);
  if (!entry || !account) {
    state.counters.unauthenticated += 1;
    throw new HttpError(401, { detail: 'Could not parse your authentication token. Please try signing in again.' });
  }
  state.countRequest(account.id, route);
  if (entry.revoked) throw new HttpError(401, TOKEN_INVALIDATED);
  if (state.now() >= entry.expiresAt) throw new HttpError(401, TOKEN_EXPIRED);
  const header = headerValue(req, 'chatgpt-account-id');
  if (header === undefined || header.trim() === '') {
    throw new HttpError(403, {
      error: {
        message: 'Missing chatgpt-account-id header',
        type: 'invalid_request_error',
        code: 'missing_account_id',
        param: null,
      },
    });
  }
  if (header.trim() !== account.chatgptAccountId) {
    throw new HttpError(403, {
      error: {
        message: 'The chatgpt-account-id header does not match the authenticated user',
        type: 'invalid_request_error',
        code: 'account_mismatch',
        param: null,
      },
    });
  }
  return account;
}

/** Revokes every access token of the account (the `revoke` fault) and builds the 401. */
export function revokedError(): HttpError {
  return new HttpError(401, TOKEN_INVALIDATED);
}
