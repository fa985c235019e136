import { readFileSync } from 'node:fs';
import type {
  AccountResponse,
  AccountsResponse,
  OAuthCompleteResponse,
  OAuthDevicePollResponse,
  OAuthStartResponse,
  OAuthStatusResponse,
} from '@mcp/contracts';
import { type OAuthE2e, followAuthorize, startOAuthE2e } from './e2e-harness';

interface ErrorBody {
  statusCode: number;
  message: string | string[];
}

type BrowserStart = Extract<OAuthStartResponse, { method: 'browser' }>;
type DeviceStart = Extract<OAuthStartResponse, { method: 'device' }>;

describe('OAuthModule against fake-chatgpt (e2e)', () => {
  let e: OAuthE2e;
  /** Authorization codes seen in redirects: secrets, like the tokens. */
  const codes: string[] = [];

  beforeAll(async () => {
    e = await startOAuthE2e();
  });

  afterAll(async () => {
    const accounts = JSON.parse(readFileSync(e.config.storePath, 'utf8')) as { accounts: Record<string, unknown>[] };
    const flows = JSON.parse(readFileSync(e.config.oauthStatePath, 'utf8')) as { flows: Record<string, unknown>[] };
    const secrets = [
      ...accounts.accounts.flatMap((a) => [a['accessToken'], a['refreshToken'], a['idToken']]),
      ...flows.flows.map((f) => f['codeVerifier']),
      ...Object.values(e.fake.counters().lastRequest).map((r) =>
        String(r.headers['authorization'] ?? '').replace('Bearer ', ''),
      ),
      ...codes,
    ].filter((s): s is string => typeof s === 'string' && s.length > 8);
    expect(secrets.length).toBeGreaterThan(10);
    const responses = e.bodies.join('\n');
    const logs = e.logs.lines.join('\n');
    for (const secret of secrets) {
      expect(responses).not.toContain(secret);
      expect(logs).not.toContain(secret);
    }
    await e.close();
  });

  async function startBrowser(body: Record<string, unknown>): Promise<BrowserStart> {
    const reply = await e.call<BrowserStart>('POST', '/admin/oauth/start', body);
    expect(reply.status).toBe(200);
    return reply.body;
  }

  async function login(authorizeUrl: string): Promise<string> {
    const location = await followAuthorize(authorizeUrl);
    const code = new URL(location).searchParams.get('code');
    if (code) codes.push(code);
    return location;
  }

  async function accounts(): Promise<AccountsResponse['accounts']> {
    return (await e.call<AccountsResponse>('GET', '/admin/accounts')).body.accounts;
  }

  it('onboards three accounts through the pasted-URL flow, as the dashboard does', async () => {
    const pasteStyles: ((location: string, flowId: string) => Record<string, string>)[] = [
      (location) => ({ input: location }),
      (location) => ({ input: new URL(location).search.slice(1) }),
      (location) => ({ callbackUrl: `  ${location}  ` }),
    ];
    const before = e.fake.counters().pkceVerified;
    for (const [i, paste] of pasteStyles.entries()) {
      const email = `user${i + 1}@example.com`;
      const started = await startBrowser({ email });
      expect(started).toMatchObject({
        ok: true,
        method: 'browser',
        expectedRedirectUri: 'http://localhost:1455/auth/callback',
      });
      const location = await login(started.authorizeUrl);
      expect(location.startsWith('http://localhost:1455/auth/callback?')).toBe(true);

      const done = await e.call<OAuthCompleteResponse>('POST', '/admin/oauth/complete', {
        flowId: started.flowId,
        ...paste(location, started.flowId),
      });
      expect(done.status).toBe(200);
      expect(done.body.warning).toBeUndefined();
      expect(done.body.account).toMatchObject({ email, planType: 'plus', status: 'available', hasRefreshToken: true });
      expect(done.body.account.usage?.source).toBe('probe');

      const status = await e.call<OAuthStatusResponse>('GET', `/admin/oauth/status/${started.flowId}`);
      expect(status.body.flow).toMatchObject({ status: 'success', accountId: done.body.account.id, email });
      expect(status.body.flow).not.toHaveProperty('codeVerifier');
    }
    expect(e.fake.counters().pkceVerified - before).toBe(3);
    expect((await accounts()).map((a) => a.email).sort()).toEqual([
      'user1@example.com',
      'user2@example.com',
      'user3@example.com',
    ]);
  });

  it('onboards an account by device code', async () => {
    const started = (
      await e.call<DeviceStart>('POST', '/admin/oauth/start', { method: 'device', email: 'device@example.com' })
    ).body;
    expect(started).toMatchObject({
      ok: true,
      method: 'device',
      verificationUrl: `${e.fake.url}/codex/device`,
      intervalSeconds: 5,
    });
    expect(started.userCode).toMatch(/^[A-Z]{4}-\d{4}$/);

    const pending = await e.call<OAuthDevicePollResponse>('POST', '/admin/oauth/device/poll', {
      flowId: started.flowId,
    });
    expect(pending.body).toEqual({ ok: true, status: 'pending', intervalSeconds: 5 });

    const page = await fetch(`${started.verificationUrl}?user_code=${started.userCode}&email=device@example.com`);
    expect(page.status).toBe(200);
    const before = e.fake.counters().pkceVerified;
    const done = await e.call<Extract<OAuthDevicePollResponse, { status: 'success' }>>(
      'POST',
      '/admin/oauth/device/poll',
      { flowId: started.flowId },
    );
    expect(done.status).toBe(200);
    expect(done.body).toMatchObject({
      ok: true,
      status: 'success',
      account: { email: 'device@example.com', status: 'available' },
    });
    expect(e.fake.counters().pkceVerified - before).toBe(1);
    expect((await accounts()).filter((a) => a.email === 'device@example.com')).toHaveLength(1);
  });

  it('re-logs an account that needs it without creating a duplicate', async () => {
    const target = (await accounts()).find((a) => a.email === 'user1@example.com');
    if (!target) throw new Error('user1 missing');
    e.fake.revokeRefreshTokens('user1@example.com');
    e.fake.expireAccessTokens('user1@example.com');
    expect((await e.call('POST', `/admin/accounts/${target.id}/refresh-usage`)).status).toBe(502);
    expect((await accounts()).find((a) => a.id === target.id)?.status).toBe('needs_reauth');

    const started = await startBrowser({ accountId: target.id, email: 'user1@example.com' });
    const done = await e.call<OAuthCompleteResponse>('POST', '/admin/oauth/complete', {
      flowId: started.flowId,
      input: await login(started.authorizeUrl),
    });
    expect(done.status).toBe(200);
    expect(done.body.account).toMatchObject({ id: target.id, status: 'available', state: { needsReauth: false } });
    expect((await accounts()).filter((a) => a.email === 'user1@example.com')).toHaveLength(1);
    expect(await accounts()).toHaveLength(4);
  });

  it('succeeds but says so when the login email differs from the one typed', async () => {
    const started = await startBrowser({ email: 'typed@example.com' });
    const signedInElsewhere = started.authorizeUrl.replace(
      'login_hint=typed%40example.com',
      'login_hint=other%40example.com',
    );
    const done = await e.call<OAuthCompleteResponse>('POST', '/admin/oauth/complete', {
      flowId: started.flowId,
      input: await login(signedInElsewhere),
    });
    expect(done.status).toBe(200);
    expect(done.body.account.email).toBe('other@example.com');
    expect(done.body.warning).toMatch(/other@example\.com.*typed@example\.com/);
  });

  describe('errors a person can act on', () => {
    it('400 when the pasted URL is from another login attempt (state mismatch)', async () => {
      const first = await startBrowser({ email: 'user2@example.com' });
      const second = await startBrowser({ email: 'user2@example.com' });
      const location = await login(first.authorizeUrl);
      const reply = await e.call<ErrorBody>('POST', '/admin/oauth/complete', {
        flowId: second.flowId,
        input: location,
      });
      expect(reply.status).toBe(400);
      expect(reply.body.message).toMatch(/state mismatch/);
      expect((await e.call<OAuthStatusResponse>('GET', `/admin/oauth/status/${second.flowId}`)).body.flow.status).toBe(
        'pending',
      );
    });

    it('400 with a plain explanation for error=access_denied', async () => {
      const started = await startBrowser({ email: 'user3@example.com' });
      e.fake.options.denyNextLogin = true;
      const location = await login(started.authorizeUrl);
      expect(location).toContain('error=access_denied');
      const reply = await e.call<ErrorBody>('POST', '/admin/oauth/complete', {
        flowId: started.flowId,
        input: location,
      });
      expect(reply.status).toBe(400);
      expect(reply.body.message).toMatch(/denied at OpenAI.*approve access/);
    });

    it('400 when the input holds no code', async () => {
      const started = await startBrowser({});
      const reply = await e.call<ErrorBody>('POST', '/admin/oauth/complete', {
        flowId: started.flowId,
        input: 'http://localhost:1455/auth/callback',
      });
      expect(reply.status).toBe(400);
      expect(reply.body.message).toMatch(/No authorization code/);
    });

    it('404 for an unknown flow, 409 for a completed one, 410 for an expired one', async () => {
      for (const [method, path, body] of [
        ['POST', '/admin/oauth/complete', { flowId: 'nope', input: 'code=abc' }],
        ['POST', '/admin/oauth/device/poll', { flowId: 'nope' }],
        ['GET', '/admin/oauth/status/nope', undefined],
      ] as const) {
        expect((await e.call(method, path, body)).status).toBe(404);
      }

      const started = await startBrowser({ email: 'user2@example.com' });
      const location = await login(started.authorizeUrl);
      expect((await e.call('POST', '/admin/oauth/complete', { flowId: started.flowId, input: location })).status).toBe(
        200,
      );
      const twice = await e.call<ErrorBody>('POST', '/admin/oauth/complete', {
        flowId: started.flowId,
        input: location,
      });
      expect(twice.status).toBe(409);

      const stale = await startBrowser({ email: 'user2@example.com' });
      e.clock.offset += e.config.oauthFlowTtlMs + 1000;
      try {
        const expired = await e.call<ErrorBody>('POST', '/admin/oauth/complete', {
          flowId: stale.flowId,
          input: 'code=abc',
        });
        expect(expired.status).toBe(410);
        expect(expired.body.message).toMatch(/expired/);
      } finally {
        e.clock.offset = 0;
      }
    });

    it('502 with the status and reason when the token endpoint refuses the code', async () => {
      const used = await startBrowser({ email: 'user3@example.com' });
      const location = await login(used.authorizeUrl);
      await e.call('POST', '/admin/oauth/complete', { flowId: used.flowId, input: location });
      const reused = await startBrowser({ email: 'user3@example.com' });
      const code = new URL(location).searchParams.get('code') ?? '';

      const reply = await e.call<ErrorBody>('POST', '/admin/oauth/complete', { flowId: reused.flowId, input: code });
      expect(reply.status).toBe(502);
      expect(reply.body.message).toMatch(/HTTP 400 invalid_grant/);
      const flow = (await e.call<OAuthStatusResponse>('GET', `/admin/oauth/status/${reused.flowId}`)).body.flow;
      expect(flow).toMatchObject({ status: 'error', error: expect.stringMatching(/invalid_grant/) });
      expect((await e.call('POST', '/admin/oauth/complete', { flowId: reused.flowId, input: code })).status).toBe(409);
    });

    it('400 for the wrong kind of flow, 404 for an unknown re-login target', async () => {
      const browser = await startBrowser({});
      const device = (await e.call<DeviceStart>('POST', '/admin/oauth/start', { method: 'device' })).body;
      expect((await e.call('POST', '/admin/oauth/device/poll', { flowId: browser.flowId })).status).toBe(400);
      expect((await e.call('POST', '/admin/oauth/complete', { flowId: device.flowId, input: 'code=abc' })).status).toBe(
        400,
      );
      expect((await e.call('POST', '/admin/oauth/start', { accountId: 'acc_missing' })).status).toBe(404);
    });
  });

  describe('every route: 401 without the token, 400 on a bad body', () => {
    it.each([
      ['POST', '/admin/oauth/start', { method: 'carrier-pigeon' }],
      ['POST', '/admin/oauth/complete', { flowId: 'x' }],
      ['POST', '/admin/oauth/device/poll', {}],
    ] as const)('%s %s', async (method, path, badBody) => {
      expect((await e.call(method, path, badBody, { auth: false })).status).toBe(401);
      const bad = await e.call<ErrorBody>(method, path, badBody);
      expect(bad.status).toBe(400);
      expect(Array.isArray(bad.body.message)).toBe(true);
    });

    it('rejects unknown fields', async () => {
      const reply = await e.call<ErrorBody>('POST', '/admin/oauth/start', { email: 'a@example.com', extra: 1 });
      expect(reply.status).toBe(400);
      expect(reply.body.message).toEqual(['property extra should not exist']);
    });

    it('GET /admin/oauth/status/:flowId', async () => {
      const started = await startBrowser({});
      expect((await e.call('GET', `/admin/oauth/status/${started.flowId}`, undefined, { auth: false })).status).toBe(
        401,
      );
      expect((await e.call<AccountResponse>('GET', `/admin/oauth/status/${started.flowId}`)).status).toBe(200);
    });
  });
});
