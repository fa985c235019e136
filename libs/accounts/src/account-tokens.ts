import { identityFromTokens } from '@mcp/codex';
import type { Account } from './account';

/** Tokens and optional details for creating or re-logging an account (manual add or OAuth). */
export interface TokenInput {
  accessToken: string;
  refreshToken?: string;
  idToken?: string;
  /** Set explicitly by an admin: wins over the token claims. */
  email?: string;
  /** Typed before an OAuth login: only a hint, compared with the id_token's email. */
  emailHint?: string;
  label?: string;
  chatgptAccountId?: string;
  expiresAt?: number;
  enabled?: boolean;
  priority?: number;
}

export interface UpsertResult {
  account: Account;
  created: boolean;
  warning?: string;
}

/** New tokens after a refresh (PROTOCOL §8.5). */
export interface RefreshedTokens {
  accessToken: string;
  refreshToken?: string;
  idToken?: string;
  expiresAt?: number;
}

/** What the tokens say about who they belong to, with explicit input taking precedence (§8.4). */
export interface TokenFacts {
  chatgptAccountId?: string;
  chatgptUserId?: string;
  email?: string;
  planType?: string;
  expiresAt?: number;
  /** The id_token's email differs from the typed hint. */
  emailMismatch?: { typed: string; actual: string };
}

export function factsFromInput(input: TokenInput): TokenFacts {
  const claims = identityFromTokens({
    idToken: input.idToken,
    accessToken: input.accessToken,
    accountId: input.chatgptAccountId,
  });
  const facts: TokenFacts = {
    chatgptAccountId: input.chatgptAccountId ?? claims.chatgptAccountId,
    chatgptUserId: claims.chatgptUserId,
    email: input.email ?? claims.email ?? input.emailHint,
    planType: claims.planType,
    expiresAt: input.expiresAt ?? claims.expiresAt,
  };
  const hint = input.emailHint?.trim();
  if (hint && claims.email && hint.toLowerCase() !== claims.email.toLowerCase()) {
    facts.emailMismatch = { typed: hint, actual: claims.email };
  }
  return facts;
}

/** Identity = ChatGPT account id together with the user id: Team members share the account id (§8.3). */
export function sameIdentity(account: Account, facts: TokenFacts): boolean {
  if (account.chatgptAccountId === undefined || facts.chatgptAccountId === undefined) return false;
  return account.chatgptAccountId === facts.chatgptAccountId && account.chatgptUserId === facts.chatgptUserId;
}

/** Puts new login tokens and claims on an account; blocks stay, except the ones a re-login clears (§7.4). */
export function applyLogin(account: Account, input: TokenInput, facts: TokenFacts, now: number): void {
  account.accessToken = input.accessToken;
  if (input.refreshToken) account.refreshToken = input.refreshToken;
  if (input.idToken) account.idToken = input.idToken;
  account.expiresAt = facts.expiresAt;
  for (const key of ['chatgptAccountId', 'chatgptUserId', 'email', 'planType'] as const) {
    if (facts[key] !== undefined) account[key] = facts[key];
  }
  if (input.label !== undefined) account.label = input.label;
  if (input.enabled !== undefined) account.enabled = input.enabled;
  if (input.priority !== undefined) account.priority = input.priority;
  account.lastRefreshAt = now;
  account.updatedAt = now;
  account.state.needsReauth = false;
  for (const [model, block] of Object.entries(account.state.modelBlocks)) {
    if (block.kind === 'ineligible') delete account.state.modelBlocks[model];
  }
}

/** Puts refreshed tokens on an account; the old refresh token is kept only when none came back (§8.5). */
export function applyRefreshedTokens(account: Account, tokens: RefreshedTokens, now: number): void {
  account.accessToken = tokens.accessToken;
  if (tokens.refreshToken) account.refreshToken = tokens.refreshToken;
  if (tokens.idToken) account.idToken = tokens.idToken;
  const claims = identityFromTokens({ idToken: tokens.idToken, accessToken: tokens.accessToken });
  // An unknown expiry means "no refresh ahead of time": the 401 path still refreshes on demand.
  account.expiresAt = tokens.expiresAt ?? claims.expiresAt;
  if (claims.planType !== undefined) account.planType = claims.planType;
  account.lastRefreshAt = now;
  account.updatedAt = now;
}
