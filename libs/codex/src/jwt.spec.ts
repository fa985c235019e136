import { decodeJwtClaims, identityFromTokens } from './jwt';

function jwt(claims: Record<string, unknown>): string {
  const part = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  return `${part({ alg: 'RS256', typ: 'JWT' })}.${part(claims)}.signature-not-checked`;
}

const AUTH = 'https://api.openai.com/auth';
const PROFILE = 'https://api.openai.com/profile';

describe('decodeJwtClaims', () => {
  it('reads the payload of a JWT without checking the signature', () => {
    expect(decodeJwtClaims(jwt({ sub: 'u1', exp: 10 }))).toEqual({ sub: 'u1', exp: 10 });
  });

  it.each([
    ['undefined', undefined],
    ['a number', 42],
    ['no dots', 'abcdef'],
    ['a payload that is not base64url', 'a.b$c.d'],
    ['a payload that is not JSON', `x.${Buffer.from('not json').toString('base64url')}.y`],
    ['a JSON payload that is not an object', `x.${Buffer.from('[1]').toString('base64url')}.y`],
    ['an empty payload', 'x..y'],
  ])('is undefined for %s', (_label, token) => {
    expect(decodeJwtClaims(token)).toBeUndefined();
  });
});

describe('identityFromTokens', () => {
  it('reads the id_token claims of §8.4 and the access token expiry in ms', () => {
    const idToken = jwt({
      email: 'dev@example.com',
      [AUTH]: { chatgpt_account_id: 'ws-1', chatgpt_plan_type: 'plus', chatgpt_user_id: 'user-1', user_id: 'user-old' },
    });
    const accessToken = jwt({ exp: 1767200000, [AUTH]: { chatgpt_account_id: 'ws-other' } });
    expect(identityFromTokens({ idToken, accessToken })).toEqual({
      chatgptAccountId: 'ws-1',
      chatgptUserId: 'user-1',
      email: 'dev@example.com',
      planType: 'plus',
      expiresAt: 1767200000000,
    });
  });

  it('falls back for the account id: access token claim, then a top-level account_id, then the token response', () => {
    const access = jwt({ [AUTH]: { chatgpt_account_id: 'from-access' } });
    expect(identityFromTokens({ idToken: jwt({}), accessToken: access }).chatgptAccountId).toBe('from-access');
    expect(
      identityFromTokens({ idToken: jwt({ account_id: 'top-level' }), accessToken: jwt({}) }).chatgptAccountId,
    ).toBe('top-level');
    expect(identityFromTokens({ idToken: 'garbage', accountId: 'from-response' }).chatgptAccountId).toBe(
      'from-response',
    );
  });

  it('uses user_id when chatgpt_user_id is missing, and the profile email when email is missing', () => {
    const idToken = jwt({ [AUTH]: { user_id: 'user-9' }, [PROFILE]: { email: 'p@example.com' } });
    expect(identityFromTokens({ idToken })).toEqual({ chatgptUserId: 'user-9', email: 'p@example.com' });
  });

  it('returns an empty identity for garbage tokens', () => {
    expect(identityFromTokens({ idToken: 'nope', accessToken: 'x.y.z' })).toEqual({});
  });
});
