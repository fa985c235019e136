import { JWT_AUTH_CLAIM, JWT_PROFILE_CLAIM } from './constants';
import { finiteNumber, isRecord, nonEmptyString, tryParseJson, type JsonObject } from './json';

/** The payload of a JWT, without verifying the signature (PROTOCOL.md §8.4). Undefined for anything else. */
export function decodeJwtClaims(token: unknown): JsonObject | undefined {
  if (typeof token !== 'string') return undefined;
  const parts = token.split('.');
  const payload = parts[1];
  if (parts.length < 2 || payload === undefined || !/^[A-Za-z0-9_-]+=*$/.test(payload)) return undefined;
  const json = Buffer.from(payload, 'base64url').toString('utf8');
  const claims = tryParseJson(json);
  return isRecord(claims) ? claims : undefined;
}

export interface TokenIdentityInput {
  idToken?: string;
  accessToken?: string;
  /** `account_id` from the token response, the last fallback for the workspace id. */
  accountId?: string;
}

export interface TokenIdentity {
  chatgptAccountId?: string;
  chatgptUserId?: string;
  email?: string;
  planType?: string;
  /** Access token expiry, epoch ms (from its `exp`). */
  expiresAt?: number;
}

function claim(claims: JsonObject | undefined, namespace: string, key: string): string | undefined {
  const ns = claims?.[namespace];
  return isRecord(ns) ? nonEmptyString(ns[key]) : undefined;
}

function first(...values: (string | undefined)[]): string | undefined {
  return values.find((v) => v !== undefined);
}

/** The account identity read from the tokens, with the fallbacks of §8.4. */
export function identityFromTokens(input: TokenIdentityInput): TokenIdentity {
  const id = decodeJwtClaims(input.idToken);
  const access = decodeJwtClaims(input.accessToken);
  const identity: TokenIdentity = {};
  const accountId = first(
    claim(id, JWT_AUTH_CLAIM, 'chatgpt_account_id'),
    claim(access, JWT_AUTH_CLAIM, 'chatgpt_account_id'),
    nonEmptyString(id?.['account_id']),
    nonEmptyString(access?.['account_id']),
    nonEmptyString(input.accountId),
  );
  const userId = first(
    claim(id, JWT_AUTH_CLAIM, 'chatgpt_user_id'),
    claim(id, JWT_AUTH_CLAIM, 'user_id'),
    claim(access, JWT_AUTH_CLAIM, 'chatgpt_user_id'),
    claim(access, JWT_AUTH_CLAIM, 'user_id'),
  );
  const email = first(
    nonEmptyString(id?.['email']),
    claim(id, JWT_PROFILE_CLAIM, 'email'),
    nonEmptyString(access?.['email']),
    claim(access, JWT_PROFILE_CLAIM, 'email'),
  );
  const planType = first(
    claim(id, JWT_AUTH_CLAIM, 'chatgpt_plan_type'),
    claim(access, JWT_AUTH_CLAIM, 'chatgpt_plan_type'),
  );
  const exp = finiteNumber(access?.['exp']);
  if (accountId !== undefined) identity.chatgptAccountId = accountId;
  if (userId !== undefined) identity.chatgptUserId = userId;
  if (email !== undefined) identity.email = email;
  if (planType !== undefined) identity.planType = planType;
  if (exp !== undefined && exp > 0) identity.expiresAt = Math.round(exp * 1000);
  return identity;
}
