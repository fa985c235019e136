import { type Account, emptyState } from '@mcp/accounts';
import { FAKE_CLOCK_START, makeJwt } from '@mcp/testing';

const AUTH = 'https://api.openai.com/auth';

export interface IdentityClaims {
  email?: string;
  accountId?: string;
  userId?: string;
  plan?: string;
  /** Epoch seconds. */
  exp?: number;
}

/** An id_token / access token pair with the §8.4 claims. */
export function tokensFor(
  claims: IdentityClaims,
  tag = 'a',
): { accessToken: string; idToken: string; refreshToken: string } {
  const auth = {
    chatgpt_account_id: claims.accountId,
    chatgpt_user_id: claims.userId,
    chatgpt_plan_type: claims.plan ?? 'plus',
  };
  return {
    accessToken: makeJwt({ exp: claims.exp, [AUTH]: auth, jti: `at-${tag}` }),
    idToken: makeJwt({ email: claims.email, [AUTH]: auth, jti: `id-${tag}` }),
    refreshToken: `rt-${tag}`,
  };
}

/** A stored account, ready for an in-memory repository. */
export function storedAccount(overrides: Partial<Account> = {}): Account {
  return {
    id: 'acc_1',
    email: 'one@example.com',
    chatgptAccountId: 'ws-1',
    chatgptUserId: 'user-1',
    accessToken: 'access-1',
    refreshToken: 'refresh-1',
    idToken: 'id-1',
    expiresAt: FAKE_CLOCK_START + 3_600_000,
    enabled: true,
    priority: 0,
    createdAt: FAKE_CLOCK_START,
    updatedAt: FAKE_CLOCK_START,
    state: emptyState(),
    ...overrides,
  };
}
