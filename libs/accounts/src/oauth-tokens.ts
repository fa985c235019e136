import { isRecord } from '@mcp/codex';
import type { RefreshedTokens } from './account-tokens';
import type { UpstreamJsonResponse } from './chatgpt-http';
import { finiteNumber, nonEmptyString } from '@mcp/codex';

/** Refresh errors after which the refresh token can never work again (PROTOCOL §8.5). */
const TERMINAL_REFRESH_CODES = new Set([
  'invalid_grant',
  'refresh_token_expired',
  'refresh_token_reused',
  'refresh_token_invalidated',
]);

/** The tokens of a 2xx token-endpoint reply (§8.2, §8.5), or undefined when it holds no access token. */
export function parseTokenResponse(body: unknown, now: number): RefreshedTokens | undefined {
  if (!isRecord(body)) return undefined;
  const accessToken = nonEmptyString(body['access_token']);
  if (!accessToken) return undefined;
  const tokens: RefreshedTokens = { accessToken };
  const refreshToken = nonEmptyString(body['refresh_token']);
  const idToken = nonEmptyString(body['id_token']);
  const expiresIn = finiteNumber(body['expires_in']);
  if (refreshToken) tokens.refreshToken = refreshToken;
  if (idToken) tokens.idToken = idToken;
  if (expiresIn !== undefined && expiresIn > 0) tokens.expiresAt = now + expiresIn * 1000;
  return tokens;
}

export interface OAuthErrorInfo {
  code?: string;
  message?: string;
}

/** `{error, error_description}` or `{error:{code, message}}`, read leniently. */
export function oauthError(body: unknown): OAuthErrorInfo {
  if (!isRecord(body)) return {};
  const error = body['error'];
  if (isRecord(error)) {
    return {
      code: nonEmptyString(error['code']) ?? nonEmptyString(error['type']),
      message: nonEmptyString(error['message']),
    };
  }
  return {
    code: nonEmptyString(error),
    message:
      nonEmptyString(body['error_description']) ?? nonEmptyString(body['message']) ?? nonEmptyString(body['detail']),
  };
}

/** "HTTP 400 invalid_grant: Refresh token expired" — status and reason, never a token. */
export function describeTokenFailure(response: UpstreamJsonResponse): string {
  const { code, message } = oauthError(response.body);
  const reason = [code, message].filter(Boolean).join(': ');
  return reason ? `HTTP ${response.status} ${reason}` : `HTTP ${response.status}`;
}

export function isTerminalRefreshFailure(response: UpstreamJsonResponse): boolean {
  if (response.status === 400 || response.status === 401) return true;
  const { code } = oauthError(response.body);
  return code !== undefined && TERMINAL_REFRESH_CODES.has(code);
}
