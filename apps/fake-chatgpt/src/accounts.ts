import { randomUUID } from 'node:crypto';
import { randomToken, unsignedJwt } from './jwt';
import { ALL_MODEL_SLUGS } from './models-catalogue';
import { newWindow, FIVE_HOUR_SECONDS, WEEKLY_SECONDS } from './quota';
import type { EmulatorState } from './state';
import type { AccountRecord, AddAccountOptions, IssuedTokens } from './types';

const AUTH_NS = 'https://api.openai.com/auth';
const PROFILE_NS = 'https://api.openai.com/profile';
const ISSUER = 'https://auth.openai.com';

export function addAccount(state: EmulatorState, opts: AddAccountOptions): AccountRecord {
  if (!opts.email || typeof opts.email !== 'string') throw new Error('addAccount: email is required');
  const now = state.now();
  const win = opts.windows;
  const fiveCfg = win === undefined ? {} : win.fiveHour;
  const weekCfg = win === undefined ? {} : win.weekly;
  const account: AccountRecord = {
    id: `fa_${state.accounts.size + 1}`,
    email: opts.email.toLowerCase(),
    plan: opts.plan ?? 'plus',
    chatgptAccountId: opts.chatgptAccountId ?? randomUUID(),
    chatgptUserId: opts.chatgptUserId ?? `user-${randomToken('', 12)}`,
    models: opts.models ? [...opts.models] : [...ALL_MODEL_SLUGS],
    accessTokenTtlSec: opts.accessTokenTtlSec ?? state.options.accessTokenTtlSec,
    windows: {},
  };
  const pct = state.options.defaultPercentPerRequest;
  if (fiveCfg) account.windows.fiveHour = newWindow(FIVE_HOUR_SECONDS, fiveCfg, now, pct);
  if (weekCfg) account.windows.weekly = newWindow(WEEKLY_SECONDS, weekCfg, now, pct);
  state.accounts.set(account.id, account);
  return account;
}

/** Resolves an emulator id or an email to an account, or throws. */
export function resolveAccount(state: EmulatorState, ref: string): AccountRecord {
  const byId = state.accounts.get(ref);
  if (byId) return byId;
  const email = ref.toLowerCase();
  for (const account of state.accounts.values()) if (account.email === email) return account;
  throw new Error(`unknown account: ${ref}`);
}

export function findByEmail(state: EmulatorState, email: string): AccountRecord | undefined {
  const lower = email.toLowerCase();
  for (const account of state.accounts.values()) if (account.email === lower) return account;
  return undefined;
}

function authClaims(account: AccountRecord): Record<string, unknown> {
  return {
    chatgpt_account_id: account.chatgptAccountId,
    chatgpt_plan_type: account.plan,
    chatgpt_user_id: account.chatgptUserId,
    user_id: account.chatgptUserId,
  };
}

export function issueTokens(state: EmulatorState, accountId: string): IssuedTokens {
  const account = resolveAccount(state, accountId);
  const nowMs = state.now();
  const iat = Math.floor(nowMs / 1000);
  const ttl = account.accessTokenTtlSec;
  const profile = { email: account.email, email_verified: true };
  const accessToken = unsignedJwt({
    iss: ISSUER,
    aud: ['https://api.openai.com/v1'],
    client_id: state.options.clientId,
    sub: account.chatgptUserId,
    iat,
    exp: iat + ttl,
    jti: randomUUID(),
    scp: ['openid', 'profile', 'email', 'offline_access'],
    [AUTH_NS]: authClaims(account),
    [PROFILE_NS]: profile,
  });
  const idToken = unsignedJwt({
    iss: ISSUER,
    aud: [state.options.clientId],
    sub: account.chatgptUserId,
    iat,
    auth_time: iat,
    exp: iat + 3600,
    email: account.email,
    email_verified: true,
    [AUTH_NS]: authClaims(account),
    [PROFILE_NS]: profile,
  });
  const refreshToken = randomToken('rt_', 32);
  state.accessTokens.set(accessToken, { accountId: account.id, expiresAt: nowMs + ttl * 1000, revoked: false });
  state.refreshTokens.set(refreshToken, { accountId: account.id, status: 'live' });
  state.idTokens.add(idToken);
  return { accessToken, refreshToken, idToken, expiresIn: ttl };
}

/** Every access token issued so far for the account now counts as expired. */
export function expireAccessTokens(state: EmulatorState, accountId: string): void {
  const id = resolveAccount(state, accountId).id;
  const past = state.now() - 1;
  for (const entry of state.accessTokens.values()) if (entry.accountId === id) entry.expiresAt = past;
}

export function revokeAccessTokens(state: EmulatorState, accountId: string): void {
  const id = resolveAccount(state, accountId).id;
  for (const entry of state.accessTokens.values()) if (entry.accountId === id) entry.revoked = true;
}

export function revokeRefreshTokens(state: EmulatorState, accountId: string): void {
  const id = resolveAccount(state, accountId).id;
  for (const entry of state.refreshTokens.values()) {
    if (entry.accountId === id && entry.status === 'live') entry.status = 'revoked';
  }
}
