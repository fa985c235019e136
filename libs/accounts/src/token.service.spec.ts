import { NeedsReauthError, TokenRefreshError } from '@mcp/accounts';
import { FAKE_CLOCK_START } from '@mcp/testing';
import { storedAccount } from '../test/builders';
import { deferred, json } from '../test/scripted-http';
import { type UnitHarness, settle, unitHarness } from '../test/unit-harness';

const MARGIN = 300_000;
const TOKEN_URL = '/oauth/token';

describe('TokenService', () => {
  let h: UnitHarness;

  afterEach(() => h.close());

  async function withAccount(expiresInMs: number, extra: Parameters<typeof storedAccount>[0] = {}): Promise<void> {
    h = await unitHarness([storedAccount({ expiresAt: FAKE_CLOCK_START + expiresInMs, ...extra })], {
      TOKEN_REFRESH_MARGIN_MS: String(MARGIN),
    });
  }

  function rotateTo(tag: string): void {
    h.http.on(TOKEN_URL, () =>
      json(200, { access_token: `access-${tag}`, refresh_token: `refresh-${tag}`, expires_in: 3600 }),
    );
  }

  it('returns the stored token without calling the token endpoint while it is outside the margin', async () => {
    await withAccount(MARGIN + 60_000);
    await expect(h.tokens.accessToken('acc_1')).resolves.toBe('access-1');
    expect(h.http.calls).toHaveLength(0);
  });

  it('sends one JSON refresh for 20 concurrent callers at expiry, and every caller gets the new token', async () => {
    await withAccount(60_000);
    const release = deferred();
    h.http.on(TOKEN_URL, async () => {
      await release.promise;
      return json(200, { access_token: 'access-2', refresh_token: 'refresh-2', expires_in: 3600 });
    });
    const callers = Array.from({ length: 20 }, () => h.tokens.accessToken('acc_1'));
    await settle();
    release.resolve();
    const tokens = await Promise.all(callers);

    expect(new Set(tokens)).toEqual(new Set(['access-2']));
    expect(h.http.callsTo(TOKEN_URL)).toHaveLength(1);
    expect(h.http.calls[0]?.body).toEqual({
      client_id: h.config.oauthClientId,
      grant_type: 'refresh_token',
      refresh_token: 'refresh-1',
      scope: 'openid profile email',
    });
    expect(h.accounts.get('acc_1')?.expiresAt).toBe(FAKE_CLOCK_START + 3_600_000);
  });

  it('does not hand out the new access token before the rotated refresh token is stored', async () => {
    await withAccount(60_000);
    rotateTo('2');
    const write = deferred();
    h.repository.gate = write.promise;
    let handedOut: string | undefined;
    const pending = h.tokens.accessToken('acc_1').then((token) => (handedOut = token));
    await settle();
    await settle();
    expect(handedOut).toBeUndefined();
    expect(h.repository.snapshot()[0]?.refreshToken).toBe('refresh-1');

    write.resolve();
    await pending;
    expect(handedOut).toBe('access-2');
    expect(h.repository.snapshot()[0]?.refreshToken).toBe('refresh-2');
  });

  it('keeps the old refresh token when the token endpoint returns none', async () => {
    await withAccount(60_000);
    h.http.on(TOKEN_URL, () => json(200, { access_token: 'access-2', expires_in: 3600 }));
    await h.tokens.accessToken('acc_1');
    expect(h.repository.snapshot()[0]).toMatchObject({ accessToken: 'access-2', refreshToken: 'refresh-1' });
  });

  it.each([
    ['a reused refresh token (401 code)', 401, { error: { code: 'refresh_token_reused', message: 'already used' } }],
    ['invalid_grant (400)', 400, { error: 'invalid_grant', error_description: 'Refresh token expired' }],
  ])('marks the account needs_reauth, durably, after %s', async (_name, status, body) => {
    await withAccount(60_000);
    h.http.on(TOKEN_URL, () => json(status, body));
    await expect(h.tokens.accessToken('acc_1')).rejects.toBeInstanceOf(NeedsReauthError);

    const stored = h.repository.snapshot()[0];
    expect(stored?.state.needsReauth).toBe(true);
    expect(stored?.state.lastError).toMatch(/re-login/i);
    expect(h.accounts.usable()).toHaveLength(0);
    // No loop of failures: a later caller is refused without another refresh attempt.
    await expect(h.tokens.accessToken('acc_1')).rejects.toBeInstanceOf(NeedsReauthError);
    expect(h.http.callsTo(TOKEN_URL)).toHaveLength(1);
  });

  it('keeps using a still-valid token when the refresh fails transiently, and records why', async () => {
    await withAccount(60_000);
    h.http.on(TOKEN_URL, () => json(503, { error: 'temporarily_unavailable' }));
    await expect(h.tokens.accessToken('acc_1')).resolves.toBe('access-1');
    const account = h.accounts.get('acc_1');
    expect(account?.state.needsReauth).toBe(false);
    expect(account?.state.recentErrors[0]?.message).toMatch(/HTTP 503/);
  });

  it('fails with a transient error once the token has expired and the refresh still fails', async () => {
    await withAccount(-1000);
    h.http.on(TOKEN_URL, () => {
      throw new Error('connect ECONNREFUSED');
    });
    await expect(h.tokens.accessToken('acc_1')).rejects.toBeInstanceOf(TokenRefreshError);
    expect(h.accounts.get('acc_1')?.state.needsReauth).toBe(false);
  });

  it('forces a refresh after a 401, but not when another caller already replaced the rejected token', async () => {
    await withAccount(MARGIN + 60_000);
    rotateTo('2');
    await expect(h.tokens.refresh('acc_1', 'access-1')).resolves.toBe('access-2');
    await expect(h.tokens.refresh('acc_1', 'access-1')).resolves.toBe('access-2');
    expect(h.http.callsTo(TOKEN_URL)).toHaveLength(1);
  });

  it('asks for a new login when an expired account has no refresh token', async () => {
    await withAccount(-1000, { refreshToken: undefined });
    await expect(h.tokens.accessToken('acc_1')).rejects.toBeInstanceOf(NeedsReauthError);
    expect(h.http.calls).toHaveLength(0);
  });

  it('refreshes on schedule only the accounts inside the margin', async () => {
    h = await unitHarness(
      [
        storedAccount({ id: 'acc_due', expiresAt: FAKE_CLOCK_START + 60_000 }),
        storedAccount({ id: 'acc_fresh', chatgptUserId: 'user-2', expiresAt: FAKE_CLOCK_START + 2 * MARGIN }),
      ],
      { TOKEN_REFRESH_MARGIN_MS: String(MARGIN) },
    );
    rotateTo('2');
    await h.tokens.refreshDue();
    expect(h.http.callsTo(TOKEN_URL)).toHaveLength(1);
    expect(h.accounts.get('acc_due')?.accessToken).toBe('access-2');
    expect(h.accounts.get('acc_fresh')?.accessToken).toBe('access-1');
  });
});
