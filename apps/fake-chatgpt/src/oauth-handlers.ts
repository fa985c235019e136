import type { ServerResponse } from 'node:http';
import { addAccount, findByEmail, issueTokens } from './accounts';
import { HttpError, asString, escapeHtml, redirect, sendHtml, sendJson } from './http-util';
import { randomToken, s256 } from './jwt';
import type { EmulatorState } from './state';
import type { AccountRecord } from './types';

const CODE_TTL_MS = 10 * 60 * 1000;
const SCOPE = 'openid profile email offline_access';

function badAuthorize(res: ServerResponse, message: string): void {
  sendHtml(
    res,
    400,
    'Invalid authorization request',
    `<h1>Invalid authorization request</h1><p>${escapeHtml(message)}</p>`,
  );
}

function redirectWith(res: ServerResponse, redirectUri: string, params: Record<string, string>): void {
  const target = new URL(redirectUri);
  for (const [k, v] of Object.entries(params)) target.searchParams.set(k, v);
  redirect(res, target.toString());
}

/** `GET /oauth/authorize`: checks the client's parameters, "logs in" an account and redirects with a code. */
export function handleAuthorize(state: EmulatorState, url: URL, res: ServerResponse): void {
  const q = url.searchParams;
  const opts = state.options;
  if (q.get('client_id') !== opts.clientId) return badAuthorize(res, 'Unknown client_id');
  if (q.get('response_type') !== 'code') return badAuthorize(res, 'response_type must be code');
  const redirectUri = q.get('redirect_uri') ?? '';
  if (!opts.redirectUris.includes(redirectUri))
    return badAuthorize(res, 'redirect_uri is not registered for this client');
  const challenge = q.get('code_challenge') ?? '';
  if (!/^[A-Za-z0-9_-]{43,128}$/.test(challenge)) return badAuthorize(res, 'code_challenge is missing or malformed');
  if (q.get('code_challenge_method') !== 'S256') return badAuthorize(res, 'code_challenge_method must be S256');
  const oauthState = q.get('state') ?? '';
  if (oauthState === '') return badAuthorize(res, 'state is required');
  const account = opts.denyNextLogin ? undefined : loginAccount(state, q.get('login_hint'));
  if (opts.denyNextLogin) opts.denyNextLogin = false;
  if (!account) {
    return redirectWith(res, redirectUri, {
      error: 'access_denied',
      error_description: 'The user denied the request',
      state: oauthState,
    });
  }
  state.countRequest(account.id, 'authorize');
  const code = mintCode(state, account.id, redirectUri, challenge);
  redirectWith(res, redirectUri, { code, state: oauthState });
}

/** The account that signs in: the login hint's, else the one set by setNextLogin, else a new one. */
function loginAccount(state: EmulatorState, hint: string | null): AccountRecord | undefined {
  const create = state.options.autoCreateAccounts;
  if (hint) return findByEmail(state, hint) ?? (create ? addAccount(state, { email: hint }) : undefined);
  const next = state.nextLoginAccountId;
  state.nextLoginAccountId = undefined;
  if (next) return state.accounts.get(next);
  return create ? addAccount(state, { email: `user${state.accounts.size + 1}@example.test` }) : undefined;
}

function invalidGrant(description: string): HttpError {
  return new HttpError(400, { error: 'invalid_grant', error_description: description });
}

function required(body: Record<string, unknown>, names: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of names) {
    const v = asString(body[name]);
    if (!v)
      throw new HttpError(400, { error: 'invalid_request', error_description: `Missing required parameter: ${name}` });
    out[name] = v;
  }
  return out;
}

/** `POST /oauth/token` (form or JSON body): authorization_code with PKCE, or rotating refresh_token. */
export function handleToken(state: EmulatorState, body: Record<string, unknown>, res: ServerResponse): void {
  const grant = asString(body.grant_type);
  if (grant === 'authorization_code') return exchangeCode(state, body, res);
  if (grant === 'refresh_token') return refresh(state, body, res);
  throw new HttpError(400, {
    error: 'unsupported_grant_type',
    error_description: `Unsupported grant_type: ${String(grant)}`,
  });
}

function checkClient(state: EmulatorState, clientId: string): void {
  if (clientId !== state.options.clientId) {
    throw new HttpError(401, { error: 'invalid_client', error_description: 'Unknown client_id' });
  }
}

function exchangeCode(state: EmulatorState, body: Record<string, unknown>, res: ServerResponse): void {
  const p = required(body, ['code', 'redirect_uri', 'client_id', 'code_verifier']);
  checkClient(state, p.client_id!);
  const entry = state.authCodes.get(p.code!);
  if (!entry) throw invalidGrant('Invalid authorization code');
  // Single use, even when this attempt fails: a leaked code is worthless after one try.
  const wasUsed = entry.used;
  entry.used = true;
  if (wasUsed) throw invalidGrant('Authorization code has already been used');
  if (state.now() > entry.expiresAt) throw invalidGrant('Authorization code has expired');
  if (entry.clientId !== p.client_id) throw invalidGrant('Authorization code was issued to another client');
  if (entry.redirectUri !== p.redirect_uri) throw invalidGrant('redirect_uri does not match the authorization request');
  if (s256(p.code_verifier!) !== entry.codeChallenge)
    throw invalidGrant('PKCE verification failed: code_verifier does not match code_challenge');
  state.counters.pkceVerified += 1;
  state.countRequest(entry.accountId, 'token');
  sendTokens(state, entry.accountId, res);
}

function refresh(state: EmulatorState, body: Record<string, unknown>, res: ServerResponse): void {
  const p = required(body, ['refresh_token', 'client_id']);
  checkClient(state, p.client_id!);
  const entry = state.refreshTokens.get(p.refresh_token!);
  if (!entry || !state.accounts.has(entry.accountId)) throw invalidGrant('Invalid refresh token');
  state.countRequest(entry.accountId, 'token');
  if (entry.status === 'used') {
    state.bump(state.counters.rejectedRefreshes, entry.accountId);
    throw refreshError(
      state,
      'refresh_token_reused',
      'Your refresh token has already been used to generate a new access token. Please try signing in again.',
    );
  }
  if (entry.status === 'revoked') {
    throw refreshError(
      state,
      'refresh_token_invalidated',
      'Your refresh token has been invalidated. Please try signing in again.',
    );
  }
  entry.status = 'used';
  state.bump(state.counters.refreshCalls, entry.accountId);
  sendTokens(state, entry.accountId, res);
}

function refreshError(state: EmulatorState, code: string, message: string): HttpError {
  if (state.options.refreshErrorStyle === 'invalid_grant') return invalidGrant(message);
  return new HttpError(401, { error: { code, message, type: 'invalid_request_error', param: null } });
}

function sendTokens(state: EmulatorState, accountId: string, res: ServerResponse): void {
  const t = issueTokens(state, accountId);
  sendJson(res, 200, {
    access_token: t.accessToken,
    refresh_token: t.refreshToken,
    id_token: t.idToken,
    expires_in: t.expiresIn,
    token_type: 'Bearer',
    scope: SCOPE,
  });
}

/** Mints an authorization code bound to the given PKCE challenge (used by the device flow). */
export function mintCode(state: EmulatorState, accountId: string, redirectUri: string, codeChallenge: string): string {
  const code = randomToken('ac_', 32);
  state.authCodes.set(code, {
    accountId,
    clientId: state.options.clientId,
    redirectUri,
    codeChallenge,
    expiresAt: state.now() + CODE_TTL_MS,
    used: false,
  });
  return code;
}
