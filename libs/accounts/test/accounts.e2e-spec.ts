import { readFileSync } from 'node:fs';
import type {
  AccountResponse,
  AccountsResponse,
  AccountView,
  ModelsAdminResponse,
  UsageRefreshResponse,
} from '@mcp/contracts';
import { AccountsService, TokenService } from '@mcp/accounts';
import { eventually } from '@mcp/testing';
import { type E2eApp, startE2eApp } from './e2e-harness';

interface ErrorBody {
  statusCode: number;
  message: string | string[];
}

const SOON = () => Date.now() + 1000;

describe('AccountsModule against fake-chatgpt (e2e)', () => {
  let e: E2eApp;
  const issued: string[] = [];

  beforeAll(async () => {
    e = await startE2eApp();
  });

  afterAll(async () => {
    // Tokens never leave the server: not the ones issued, nor the rotated ones now on disk.
    await e.app.get(AccountsService).flush();
    const stored = JSON.parse(readFileSync(e.config.storePath, 'utf8')) as { accounts: Record<string, string>[] };
    const secrets = [...issued, ...stored.accounts.flatMap((a) => [a['accessToken'], a['refreshToken'], a['idToken']])];
    const everything = e.bodies.join('\n');
    for (const secret of secrets.filter((s): s is string => typeof s === 'string' && s.length > 0)) {
      expect(everything).not.toContain(secret);
    }
    await e.close();
  });

  /** Adds an emulator account through POST /admin/accounts with freshly issued tokens. */
  async function addAccount(email: string, extra: Record<string, unknown> = {}): Promise<AccountView> {
    e.fake.addAccount({ email });
    const tokens = e.fake.issueTokens(email);
    issued.push(tokens.accessToken, tokens.refreshToken, tokens.idToken);
    const reply = await e.call<AccountResponse>('POST', '/admin/accounts', {
      accessToken: tokens.accessToken,
      refreshToken: tokens.refreshToken,
      idToken: tokens.idToken,
      ...extra,
    });
    expect(reply.status).toBe(201);
    return reply.body.account;
  }

  describe('admin routes', () => {
    let account: AccountView;

    beforeAll(async () => {
      account = await addAccount('routes@example.com', { label: 'Routes' });
    });

    it('GET /admin/accounts: 401 without the token, else the redacted list', async () => {
      expect((await e.call('GET', '/admin/accounts', undefined, { auth: false })).status).toBe(401);
      const reply = await e.call<AccountsResponse>('GET', '/admin/accounts');
      expect(reply.status).toBe(200);
      const listed = reply.body.accounts.find((a) => a.id === account.id);
      expect(listed).toMatchObject({
        email: 'routes@example.com',
        label: 'Routes',
        hasRefreshToken: true,
        status: 'available',
        planType: 'plus',
      });
      expect(listed).not.toHaveProperty('accessToken');
      expect(listed).not.toHaveProperty('refreshToken');
      expect(listed).not.toHaveProperty('idToken');
    });

    it('POST /admin/accounts: 401, 400 with field errors, 201 new, 200 for the same identity', async () => {
      expect((await e.call('POST', '/admin/accounts', { accessToken: 'x' }, { auth: false })).status).toBe(401);

      const missing = await e.call<ErrorBody>('POST', '/admin/accounts', { email: 'not-an-email', enabled: 'yes' });
      expect(missing.status).toBe(400);
      expect(missing.body.message).toEqual(
        expect.arrayContaining([
          expect.stringMatching(/accessToken/),
          expect.stringMatching(/email/),
          expect.stringMatching(/enabled/),
        ]),
      );
      const unknown = await e.call<ErrorBody>('POST', '/admin/accounts', { accessToken: 'x', password: 'y' });
      expect(unknown.status).toBe(400);
      expect(unknown.body.message).toEqual(['property password should not exist']);

      const { accessToken, refreshToken, idToken } = e.fake.issueTokens('routes@example.com');
      issued.push(accessToken, refreshToken, idToken);
      const again = await e.call<AccountResponse>('POST', '/admin/accounts', { accessToken, refreshToken, idToken });
      expect(again.status).toBe(200);
      expect(again.body.account.id).toBe(account.id);
      expect(
        (await e.call<AccountsResponse>('GET', '/admin/accounts')).body.accounts.filter(
          (a) => a.email === 'routes@example.com',
        ),
      ).toHaveLength(1);
    });

    it('PATCH /admin/accounts/:id: 401, 400, 200 and 404', async () => {
      const path = `/admin/accounts/${account.id}`;
      expect((await e.call('PATCH', path, { label: 'x' }, { auth: false })).status).toBe(401);
      expect((await e.call('PATCH', path, { priority: 'high' })).status).toBe(400);
      expect((await e.call('PATCH', path, { accessToken: 'sneaky' })).status).toBe(400);
      const patched = await e.call<AccountResponse>('PATCH', path, { label: 'Renamed', priority: 5, enabled: true });
      expect(patched.status).toBe(200);
      expect(patched.body).toMatchObject({ ok: true, account: { label: 'Renamed', priority: 5 } });
      expect((await e.call('PATCH', '/admin/accounts/acc_missing', { label: 'x' })).status).toBe(404);
    });

    it('POST /admin/accounts/:id/unblock: 401, 400 on a bad query, 200 clears the blocks', async () => {
      const accounts = e.app.get(AccountsService);
      accounts.setBlock(account.id, { until: Date.now() + 60_000, kind: 'rate_limit', reason: '429' });
      accounts.setBlock(account.id, { until: Date.now() + 60_000, kind: 'transient', reason: '503' }, 'gpt-5-codex');
      const path = `/admin/accounts/${account.id}/unblock`;
      expect((await e.call('POST', path, undefined, { auth: false })).status).toBe(401);
      expect((await e.call('POST', `${path}?model=`)).status).toBe(400);
      expect((await e.call('POST', `${path}?colour=red`)).status).toBe(400);

      const oneModel = await e.call<AccountResponse>('POST', `${path}?model=gpt-5-codex`);
      expect(oneModel.status).toBe(200);
      expect(oneModel.body.account.state.modelBlocks).toEqual({});
      expect(oneModel.body.account.status).toBe('blocked');

      const all = await e.call<AccountResponse>('POST', path);
      expect(all.body.account.status).toBe('available');
      expect((await e.call('POST', '/admin/accounts/acc_missing/unblock')).status).toBe(404);
    });

    it('POST /admin/accounts/:id/refresh-usage: 401, the probed usage, 502 when the probe fails, 404', async () => {
      const path = `/admin/accounts/${account.id}/refresh-usage`;
      expect((await e.call('POST', path, undefined, { auth: false })).status).toBe(401);
      e.fake.setUsage('routes@example.com', { fiveHour: 25, weekly: 60 });
      const reply = await e.call<AccountResponse>('POST', path);
      expect(reply.status).toBe(200);
      expect(reply.body.account.usage).toMatchObject({
        source: 'probe',
        fiveHour: { usedPercent: 25, windowSeconds: 18_000 },
        weekly: { usedPercent: 60, windowSeconds: 604_800 },
      });
      expect(reply.body.account.usage).not.toHaveProperty('raw');

      const sent = e.fake.counters().lastRequest[e.fake.account('routes@example.com').id]?.headers ?? {};
      expect(sent).toMatchObject({
        originator: 'codex_cli_rs',
        version: e.config.modelsClientVersion,
        'user-agent': `codex_cli_rs/${e.config.modelsClientVersion}`,
        'chatgpt-account-id': account.chatgptAccountId,
      });

      e.fake.inject('routes@example.com', { kind: 'http', status: 500 }, 1, 'usage');
      const failed = await e.call<ErrorBody>('POST', path);
      expect(failed.status).toBe(502);
      expect(failed.body.message).toMatch(/HTTP 500/);
      expect((await e.call('POST', '/admin/accounts/acc_missing/refresh-usage')).status).toBe(404);
    });

    it('POST /admin/usage/refresh: 401, then every account with per-account errors', async () => {
      expect((await e.call('POST', '/admin/usage/refresh', undefined, { auth: false })).status).toBe(401);
      const reply = await e.call<UsageRefreshResponse>('POST', '/admin/usage/refresh');
      expect(reply.status).toBe(200);
      expect(reply.body.ok).toBe(true);
      expect(reply.body.accounts.find((a) => a.id === account.id)?.usage?.source).toBe('probe');
    });

    it('GET /admin/models and POST /admin/models/refresh: 401, the catalogue found at sign-in, a refresh', async () => {
      expect((await e.call('GET', '/admin/models', undefined, { auth: false })).status).toBe(401);
      expect((await e.call('POST', '/admin/models/refresh', undefined, { auth: false })).status).toBe(401);
      // Signing the account in discovered its models already (§9.2); the fallback list is the unit spec's concern.
      const before = await e.call<ModelsAdminResponse>('GET', '/admin/models');
      expect(before.body).toMatchObject({ source: 'upstream', fetchedAt: expect.any(Number) });
      expect(before.body.models.every((m) => m.accountIds.includes(account.id))).toBe(true);

      const after = await e.call<ModelsAdminResponse>('POST', '/admin/models/refresh');
      expect(after.status).toBe(200);
      expect(after.body.source).toBe('upstream');
      expect(after.body.models.length).toBeGreaterThan(0);
      expect(after.body.models.every((m) => m.accountIds.includes(account.id))).toBe(true);
      expect((await e.call<ModelsAdminResponse>('GET', '/admin/models')).body.source).toBe('upstream');
    });

    it('DELETE /admin/accounts/:id: 401, 200, then 404', async () => {
      const doomed = await addAccount('doomed@example.com');
      const path = `/admin/accounts/${doomed.id}`;
      expect((await e.call('DELETE', path, undefined, { auth: false })).status).toBe(401);
      const reply = await e.call('DELETE', path);
      expect(reply.status).toBe(200);
      expect(reply.body).toEqual({ ok: true });
      expect((await e.call('DELETE', path)).status).toBe(404);
    });
  });

  describe('token refresh', () => {
    it('turns a storm of callers on expiring tokens into exactly one refresh per account', async () => {
      const emails = ['storm1@example.com', 'storm2@example.com', 'storm3@example.com'];
      const accounts = await Promise.all(emails.map((email) => addAccount(email, { expiresAt: SOON() })));
      e.fake.resetCounters();

      const tokens = e.app.get(TokenService);
      const direct = accounts.flatMap((a) => Array.from({ length: 20 }, () => tokens.accessToken(a.id)));
      const viaApi = accounts.flatMap((a) =>
        Array.from({ length: 3 }, () => e.call('POST', `/admin/accounts/${a.id}/refresh-usage`)),
      );
      const [fresh, replies] = await Promise.all([
        Promise.all(direct),
        Promise.all([...viaApi, e.call('POST', '/admin/usage/refresh')]),
      ]);

      expect(replies.map((r) => r.status)).toEqual(replies.map(() => 200));
      expect(new Set(fresh).size).toBe(3);
      const counters = e.fake.counters();
      for (const email of emails) expect(counters.refreshCalls[e.fake.account(email).id]).toBe(1);
      expect(counters.rejectedRefreshes).toEqual({});
      const listed = (await e.call<AccountsResponse>('GET', '/admin/accounts')).body.accounts;
      for (const a of accounts) {
        const view = listed.find((l) => l.id === a.id);
        expect(view?.status).toBe('available');
        expect(view?.expiresAt).toBeGreaterThan(Date.now() + 30 * 60_000);
      }
    });

    it('flags an account whose refresh token was revoked for re-login and skips it', async () => {
      const revoked = await addAccount('revoked@example.com', { expiresAt: SOON() });
      e.fake.revokeRefreshTokens('revoked@example.com');

      const probe = await e.call<ErrorBody>('POST', `/admin/accounts/${revoked.id}/refresh-usage`);
      expect(probe.status).toBe(502);
      expect(probe.body.message).toMatch(/needs a new login/);

      const view = (await e.call<AccountsResponse>('GET', '/admin/accounts')).body.accounts.find(
        (a) => a.id === revoked.id,
      );
      expect(view).toMatchObject({ status: 'needs_reauth', state: { needsReauth: true } });
      expect(view?.state.lastError).toMatch(/refresh_token_invalidated/);
      expect(
        e.app
          .get(AccountsService)
          .usable()
          .map((a) => a.id),
      ).not.toContain(revoked.id);

      e.fake.resetCounters();
      const all = await e.call<UsageRefreshResponse>('POST', '/admin/usage/refresh');
      expect(all.body.errors).toEqual([{ accountId: revoked.id, message: expect.stringMatching(/needs a new login/) }]);
      expect(e.fake.counters().refreshCalls[e.fake.account('revoked@example.com').id]).toBeUndefined();
    });
  });
});

describe('scheduled usage probe (e2e)', () => {
  let e: E2eApp;

  beforeAll(async () => {
    e = await startE2eApp(undefined, { schedule: true, env: { USAGE_REFRESH_INTERVAL_MS: '1000' } });
  });

  afterAll(() => e.close());

  it('updates the usage bars of every account on its own', async () => {
    e.fake.addAccount({ email: 'sched@example.com', windows: { weekly: {} } });
    const { accessToken, refreshToken, idToken } = e.fake.issueTokens('sched@example.com');
    const created = await e.call<AccountResponse>('POST', '/admin/accounts', { accessToken, refreshToken, idToken });
    const id = created.body.account.id;
    e.fake.setUsage('sched@example.com', { weekly: 30 });

    const usageOf = async (percent: number) => {
      const view = (await e.call<AccountsResponse>('GET', '/admin/accounts')).body.accounts.find((a) => a.id === id);
      return view?.usage?.weekly?.usedPercent === percent ? view : undefined;
    };
    const first = await eventually(() => usageOf(30));
    expect(first.usage?.fiveHour).toBeUndefined();

    e.fake.setUsage('sched@example.com', { weekly: 45 });
    const second = await eventually(() => usageOf(45));
    expect(second.usage?.fetchedAt).toBeGreaterThan(first.usage?.fetchedAt ?? 0);
  });
});
