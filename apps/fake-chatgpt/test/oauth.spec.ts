import { createHash, randomBytes } from 'node:crypto';
import type { FakeChatgpt } from '../src';
import { codexHeaders, postResponses, startFake, validBody } from './helpers';

const CLIENT_ID = 'app_EMoamEEZ73f0CkXaXp7hrann';
const REDIRECT = 'http://localhost:1455/auth/callback';
let fake: FakeChatgpt;

beforeAll(async () => {
  fake = await startFake();
});
afterAll(() => fake.stop());

function pkce(): { verifier: string; challenge: string } {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}

function claims(jwt: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(jwt.split('.')[1]!, 'base64url').toString('utf8')) as Record<string, unknown>;
}

function authorizeUrl(params: Record<string, string | undefined>): string {
  const q = new URLSearchParams();
  const all: Record<string, string | undefined> = {
    response_type: 'code',
    client_id: CLIENT_ID,
    redirect_uri: REDIRECT,
    scope: 'openid profile email offline_access',
    state: 'st-1',
    code_challenge_method: 'S256',
    ...params,
  };
  for (const [k, v] of Object.entries(all)) if (v !== undefined) q.set(k, v);
  return `${fake.url}/oauth/authorize?${q.toString()}`;
}

async function authorize(params: Record<string, string | undefined>): Promise<Response> {
  return fetch(authorizeUrl(params), { redirect: 'manual' });
}

async function codeFor(email: string, challenge: string): Promise<string> {
  const res = await authorize({ login_hint: email, code_challenge: challenge });
  expect(res.status).toBe(302);
  const location = new URL(res.headers.get('location')!);
  expect(`${location.origin}${location.pathname}`).toBe(REDIRECT);
  expect(location.searchParams.get('state')).toBe('st-1');
  return location.searchParams.get('code')!;
}

async function token(body: Record<string, string>, json = false): Promise<Response> {
  return fetch(`${fake.url}/oauth/token`, {
    method: 'POST',
    headers: { 'content-type': json ? 'application/json' : 'application/x-www-form-urlencoded' },
    body: json ? JSON.stringify(body) : new URLSearchParams(body).toString(),
  });
}

interface Tokens {
  access_token: string;
  refresh_token: string;
  id_token: string;
  expires_in: number;
  token_type: string;
}

async function fullLogin(email: string): Promise<Tokens> {
  const { verifier, challenge } = pkce();
  const code = await codeFor(email, challenge);
  const res = await token({
    grant_type: 'authorization_code',
    code,
    redirect_uri: REDIRECT,
    client_id: CLIENT_ID,
    code_verifier: verifier,
  });
  expect(res.status).toBe(200);
  return (await res.json()) as Tokens;
}

describe('GET /oauth/authorize', () => {
  it.each<[string, Record<string, string | undefined>]>([
    ['an unknown client_id', { client_id: 'app_other' }],
    ['a wrong response_type', { response_type: 'token' }],
    ['an unregistered redirect_uri', { redirect_uri: 'http://evil.example/cb' }],
    ['a missing code_challenge', { code_challenge: undefined }],
    ['a plain challenge method', { code_challenge_method: 'plain' }],
    ['a missing state', { state: undefined }],
  ])('shows a 400 page for %s', async (_name, params) => {
    const res = await authorize({ code_challenge: pkce().challenge, ...params });
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toMatch(/text\/html/);
    await res.text();
  });

  it('signs in the setNextLogin account when there is no hint, and denies when asked', async () => {
    const account = fake.addAccount({ email: 'next@example.com' });
    fake.setNextLogin(account.id);
    const res = await authorize({ code_challenge: pkce().challenge });
    expect(new URL(res.headers.get('location')!).searchParams.get('code')).toBeTruthy();
    expect(fake.counters().requests[account.id]?.authorize).toBe(1);
    fake.options.denyNextLogin = true;
    const denied = new URL((await authorize({ code_challenge: pkce().challenge })).headers.get('location')!);
    expect(denied.searchParams.get('error')).toBe('access_denied');
    expect(denied.searchParams.get('state')).toBe('st-1');
    expect(fake.options.denyNextLogin).toBe(false);
  });

  it('denies an unknown email when auto-creation is off', async () => {
    fake.options.autoCreateAccounts = false;
    try {
      const res = await authorize({ code_challenge: pkce().challenge, login_hint: 'stranger@example.com' });
      expect(new URL(res.headers.get('location')!).searchParams.get('error')).toBe('access_denied');
    } finally {
      fake.options.autoCreateAccounts = true;
    }
  });
});

describe('POST /oauth/token authorization_code', () => {
  it('exchanges a code with the right verifier for tokens with the real claim layout, usable upstream', async () => {
    const tokens = await fullLogin('New.User@example.com');
    expect(tokens.token_type).toBe('Bearer');
    expect(tokens.expires_in).toBe(3600);
    const id = claims(tokens.id_token);
    expect(id).toMatchObject({
      iss: 'https://auth.openai.com',
      aud: [CLIENT_ID],
      email: 'new.user@example.com',
      email_verified: true,
    });
    const auth = id['https://api.openai.com/auth'] as Record<string, string>;
    expect(auth.chatgpt_plan_type).toBe('plus');
    expect(auth.chatgpt_user_id).toBe(auth.user_id);
    expect((id['https://api.openai.com/profile'] as Record<string, string>).email).toBe('new.user@example.com');
    const access = claims(tokens.access_token);
    expect((access['https://api.openai.com/auth'] as Record<string, string>).chatgpt_account_id).toBe(
      auth.chatgpt_account_id,
    );
    expect(access.exp).toBeGreaterThan(Date.now() / 1000);
    expect(fake.counters().pkceVerified).toBeGreaterThanOrEqual(1);
    const account = fake.account('new.user@example.com');
    const l = {
      account,
      tokens: {
        accessToken: tokens.access_token,
        refreshToken: tokens.refresh_token,
        idToken: tokens.id_token,
        expiresIn: 3600,
      },
    };
    const res = await postResponses(fake, l, validBody());
    expect(res.status).toBe(200);
    await res.text();
  });

  it('rejects a wrong verifier, a reused code, a different redirect_uri and a wrong client', async () => {
    const { verifier, challenge } = pkce();
    const base = { grant_type: 'authorization_code', redirect_uri: REDIRECT, client_id: CLIENT_ID };
    const before = fake.counters().pkceVerified;
    const bad = await token({
      ...base,
      code: await codeFor('pkce@example.com', challenge),
      code_verifier: pkce().verifier,
    });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({
      error: 'invalid_grant',
      error_description: expect.stringMatching(/PKCE/),
    });
    expect(fake.counters().pkceVerified).toBe(before);

    const code = await codeFor('pkce@example.com', challenge);
    expect((await token({ ...base, code, code_verifier: verifier }, true)).status).toBe(200);
    const reused = await token({ ...base, code, code_verifier: verifier });
    expect(await reused.json()).toMatchObject({ error: 'invalid_grant' });

    const redirected = await token({
      ...base,
      redirect_uri: 'http://localhost:1455/other',
      code: await codeFor('pkce@example.com', challenge),
      code_verifier: verifier,
    });
    expect(await redirected.json()).toMatchObject({
      error: 'invalid_grant',
      error_description: expect.stringMatching(/redirect_uri/),
    });
    const client = await token({
      ...base,
      client_id: 'app_other',
      code: await codeFor('pkce@example.com', challenge),
      code_verifier: verifier,
    });
    expect(client.status).toBe(401);
    await client.text();
  });

  it('expires codes after ten minutes', async () => {
    const { verifier, challenge } = pkce();
    const code = await codeFor('slow@example.com', challenge);
    fake.advance(10 * 60_000 + 1);
    const res = await token({
      grant_type: 'authorization_code',
      code,
      redirect_uri: REDIRECT,
      client_id: CLIENT_ID,
      code_verifier: verifier,
    });
    expect(await res.json()).toMatchObject({
      error: 'invalid_grant',
      error_description: expect.stringMatching(/expired/),
    });
  });

  it('rejects other content types and grant types', async () => {
    const text = await fetch(`${fake.url}/oauth/token`, {
      method: 'POST',
      headers: { 'content-type': 'text/plain' },
      body: 'x',
    });
    expect(text.status).toBe(415);
    await text.text();
    const grant = await token({ grant_type: 'password' });
    expect(await grant.json()).toMatchObject({ error: 'unsupported_grant_type' });
  });
});

describe('POST /oauth/token refresh_token', () => {
  it('rotates the refresh token and catches a double refresh', async () => {
    const first = await fullLogin('rotate@example.com');
    const accountId = fake.account('rotate@example.com').id;
    const refresh = (rt: string, json: boolean): Promise<Response> =>
      token(
        { client_id: CLIENT_ID, grant_type: 'refresh_token', refresh_token: rt, scope: 'openid profile email' },
        json,
      );
    const r1 = await refresh(first.refresh_token, true);
    expect(r1.status).toBe(200);
    const second = (await r1.json()) as Tokens;
    expect(second.refresh_token).not.toBe(first.refresh_token);
    expect(second.access_token).not.toBe(first.access_token);
    const again = await refresh(first.refresh_token, false);
    expect(again.status).toBe(401);
    expect(await again.json()).toMatchObject({ error: { code: 'refresh_token_reused' } });
    expect((await refresh(second.refresh_token, false)).status).toBe(200);
    const c = fake.counters();
    expect(c.refreshCalls[accountId]).toBe(2);
    expect(c.rejectedRefreshes[accountId]).toBe(1);
  });

  it('rejects revoked refresh tokens, and uses invalid_grant in that style', async () => {
    const tokens = await fullLogin('revoked@example.com');
    fake.revokeRefreshTokens('revoked@example.com');
    const res = await token({ client_id: CLIENT_ID, grant_type: 'refresh_token', refresh_token: tokens.refresh_token });
    expect(await res.json()).toMatchObject({ error: { code: 'refresh_token_invalidated' } });
    fake.options.refreshErrorStyle = 'invalid_grant';
    try {
      const other = await fullLogin('style@example.com');
      await token({ client_id: CLIENT_ID, grant_type: 'refresh_token', refresh_token: other.refresh_token });
      const reused = await token({
        client_id: CLIENT_ID,
        grant_type: 'refresh_token',
        refresh_token: other.refresh_token,
      });
      expect(reused.status).toBe(400);
      expect(await reused.json()).toMatchObject({ error: 'invalid_grant' });
    } finally {
      fake.options.refreshErrorStyle = 'codes';
    }
    const unknown = await token({ client_id: CLIENT_ID, grant_type: 'refresh_token', refresh_token: 'rt_nope' });
    expect(await unknown.json()).toMatchObject({ error: 'invalid_grant' });
  });
});

describe('device-code flow', () => {
  async function startDevice(): Promise<{
    device_auth_id: string;
    user_code: string;
    interval: string;
    expires_at: string;
  }> {
    const res = await fetch(`${fake.url}/api/accounts/deviceauth/usercode`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ client_id: CLIENT_ID }),
    });
    expect(res.status).toBe(200);
    return (await res.json()) as { device_auth_id: string; user_code: string; interval: string; expires_at: string };
  }

  async function poll(d: { device_auth_id: string; user_code: string }): Promise<Response> {
    return fetch(`${fake.url}/api/accounts/deviceauth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ device_auth_id: d.device_auth_id, user_code: d.user_code }),
    });
  }

  it('is pending until approved, then yields a code exchangeable with the device redirect and verifier', async () => {
    const d = await startDevice();
    expect(d.interval).toBe('5');
    expect(d.user_code).toMatch(/^[A-Z]{4}-\d{4}$/);
    expect(Date.parse(d.expires_at)).toBeGreaterThan(fake.now());
    const pending = await poll(d);
    expect(pending.status).toBe(403);
    expect(await pending.json()).toEqual({
      error: { code: 'deviceauth_authorization_pending', message: expect.any(String) },
    });
    const accountId = fake.approveDevice(d.user_code.toLowerCase(), 'device@example.com');
    expect(fake.account(accountId).email).toBe('device@example.com');
    const approved = await poll(d);
    expect(approved.status).toBe(200);
    const grant = (await approved.json()) as {
      authorization_code: string;
      code_challenge: string;
      code_verifier: string;
    };
    expect(createHash('sha256').update(grant.code_verifier).digest('base64url')).toBe(grant.code_challenge);
    const wrongRedirect = await token({
      grant_type: 'authorization_code',
      code: grant.authorization_code,
      redirect_uri: REDIRECT,
      client_id: CLIENT_ID,
      code_verifier: grant.code_verifier,
    });
    expect(wrongRedirect.status).toBe(400);
    await wrongRedirect.text();
    const d2 = await startDevice();
    fake.approveDevice(d2.user_code, accountId);
    const g2 = (await (await poll(d2)).json()) as { authorization_code: string; code_verifier: string };
    const res = await token({
      grant_type: 'authorization_code',
      code: g2.authorization_code,
      redirect_uri: 'https://auth.openai.com/deviceauth/callback',
      client_id: CLIENT_ID,
      code_verifier: g2.code_verifier,
    });
    expect(res.status).toBe(200);
    expect(claims(((await res.json()) as Tokens).id_token).email).toBe('device@example.com');
    expect((await poll(d2)).status).toBe(400);
  });

  it('approves through the device page and expires unapproved codes', async () => {
    const d = await startDevice();
    const page = await fetch(`${fake.url}/codex/device?user_code=${d.user_code}&email=page@example.com`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('Device approved');
    expect((await poll(d)).status).toBe(200);
    const late = await startDevice();
    fake.advance(901_000);
    const expired = await poll(late);
    expect(await expired.json()).toMatchObject({ error: { code: 'deviceauth_expired' } });
  });

  it('rejects an unknown client and an unknown device id', async () => {
    const res = await fetch(`${fake.url}/api/accounts/deviceauth/usercode`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ client_id: 'app_other' }),
    });
    expect(res.status).toBe(400);
    await res.text();
    expect((await poll({ device_auth_id: 'deviceauth_nope', user_code: 'AAAA-0000' })).status).toBe(400);
  });
});

describe('access tokens from a refresh', () => {
  it('work upstream while the old access token keeps working until it expires', async () => {
    const first = await fullLogin('live@example.com');
    const account = fake.account('live@example.com');
    const res = await token({ client_id: CLIENT_ID, grant_type: 'refresh_token', refresh_token: first.refresh_token });
    const next = (await res.json()) as Tokens;
    for (const accessToken of [first.access_token, next.access_token]) {
      const r = await fetch(`${fake.url}/backend-api/wham/usage`, {
        headers: codexHeaders({ account, tokens: { accessToken, refreshToken: '', idToken: '', expiresIn: 0 } }),
      });
      expect(r.status).toBe(200);
      await r.text();
    }
  });
});
