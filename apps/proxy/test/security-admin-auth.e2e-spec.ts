import type { NestExpressApplication } from '@nestjs/platform-express';
import { readFileSync, statSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { AppConfig } from '@mcp/config';
import { disposeTestConfig, testConfig } from '@mcp/testing';
import { createApp } from '../src/bootstrap';
import { Stack, startStack } from './helpers/stack';

// Admin authentication (PROTOCOL.md §11.1): the token is required everywhere under /admin, and
// without ADMIN_TOKEN a strong one is generated, kept 0600 in DATA_DIR and reused across restarts.

const ADMIN_ROUTES: [string, string][] = [
  ['GET', '/admin/accounts'],
  ['POST', '/admin/accounts'],
  ['GET', '/admin/api-keys'],
  ['POST', '/admin/api-keys'],
  ['GET', '/admin/traces'],
  ['GET', '/admin/stats/usage'],
  ['GET', '/admin/stats/traces'],
  ['GET', '/admin/models'],
  ['POST', '/admin/oauth/start'],
];

describe('admin token (configured)', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ accounts: 1 });
  });
  afterAll(() => stack.close());

  async function status(method: string, path: string, headers: Record<string, string>): Promise<number> {
    const response = await fetch(`${stack.baseUrl}${path}`, {
      method,
      headers: { 'content-type': 'application/json', ...headers },
      ...(method === 'GET' ? {} : { body: '{}' }),
    });
    await response.arrayBuffer();
    return response.status;
  }

  it('answers 401 without a token or with a wrong one, on every admin route', async () => {
    for (const [method, path] of ADMIN_ROUTES) {
      expect([path, await status(method, path, {})]).toEqual([path, 401]);
      // A success in between keeps the per-address failure throttle from slowing the spec down.
      expect(await status('GET', '/admin/api-keys', { 'x-admin-token': stack.adminToken })).toBe(200);
      expect([path, await status(method, path, { authorization: 'Bearer wrong-token-of-some-length' })]).toEqual([
        path,
        401,
      ]);
      expect(await status('GET', '/admin/api-keys', { authorization: `Bearer ${stack.adminToken}` })).toBe(200);
    }
  });

  it('does not take a client key or a prefix of the token as the admin token', async () => {
    expect(await status('GET', '/admin/accounts', { 'x-admin-token': stack.adminToken.slice(0, -1) })).toBe(401);
    expect(await status('GET', '/admin/accounts', { 'x-api-key': stack.adminToken })).toBe(401);
    expect(await status('GET', '/admin/accounts', { 'x-admin-token': stack.adminToken })).toBe(200);
  });

  it('never shows the admin token in an admin response', async () => {
    const response = await fetch(`${stack.baseUrl}/admin/accounts`, { headers: { 'x-admin-token': stack.adminToken } });
    expect(await response.text()).not.toContain(stack.adminToken);
  });
});

describe('admin token generated at first start', () => {
  let config: AppConfig;
  let app: NestExpressApplication | undefined;

  beforeAll(() => {
    config = testConfig({ ADMIN_TOKEN: undefined });
  });
  afterEach(async () => {
    await app?.close();
    app = undefined;
  });
  afterAll(() => disposeTestConfig(config));

  async function boot(): Promise<string> {
    app = await createApp(config);
    await app.listen(0, '127.0.0.1');
    return `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`;
  }

  it('stores a strong token with mode 0600 and accepts it, and only it', async () => {
    const baseUrl = await boot();
    const file = join(config.dataDir, 'admin-token');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const token = readFileSync(file, 'utf8').trim();
    expect(token.length).toBeGreaterThanOrEqual(32);
    expect(token).not.toBe('change-me');

    expect((await fetch(`${baseUrl}/admin/accounts`)).status).toBe(401);
    expect((await fetch(`${baseUrl}/admin/accounts`, { headers: { 'x-admin-token': 'change-me' } })).status).toBe(401);
    expect((await fetch(`${baseUrl}/admin/accounts`, { headers: { 'x-admin-token': token } })).status).toBe(200);
    expect((await fetch(`${baseUrl}/admin/accounts`, { headers: { authorization: `Bearer ${token}` } })).status).toBe(
      200,
    );
  });

  it('keeps the same token across a restart', async () => {
    await boot();
    const token = readFileSync(join(config.dataDir, 'admin-token'), 'utf8').trim();
    await app?.close();
    const baseUrl = await boot();
    expect(readFileSync(join(config.dataDir, 'admin-token'), 'utf8').trim()).toBe(token);
    expect((await fetch(`${baseUrl}/admin/api-keys`, { headers: { 'x-admin-token': token } })).status).toBe(200);
  });

  it('signs the dashboard in with the same token, as an HttpOnly cookie', async () => {
    const baseUrl = await boot();
    const token = readFileSync(join(config.dataDir, 'admin-token'), 'utf8').trim();
    const json = { 'content-type': 'application/json' };

    const refused = await fetch(`${baseUrl}/admin/session`, {
      method: 'POST',
      headers: json,
      body: JSON.stringify({ token: 'nope' }),
    });
    expect(refused.status).toBe(401);
    const signedIn = await fetch(`${baseUrl}/admin/session`, {
      method: 'POST',
      headers: json,
      body: JSON.stringify({ token }),
    });
    expect(signedIn.status).toBe(200);
    const cookie = signedIn.headers.get('set-cookie') ?? '';
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/SameSite=Strict/i);
    expect(cookie).not.toContain(token);

    const session = cookie.split(';')[0]!;
    expect((await fetch(`${baseUrl}/admin/accounts`, { headers: { cookie: session } })).status).toBe(200);
    expect((await fetch(`${baseUrl}/admin/accounts`, { headers: { cookie: `${session}x` } })).status).toBe(401);
  });
});
