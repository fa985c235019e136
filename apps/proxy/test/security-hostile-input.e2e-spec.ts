import fc from 'fast-check';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { AccountsResponse, ApiKeysResponse } from '@mcp/contracts';
import { Stack, startStack } from './helpers/stack';

// Hostile input (issue 10): every bad request gets a 4xx with a short, clear message, the
// process keeps answering, and nothing is written.

const MODEL = 'gpt-5-codex';
const CLIENT_KEY = 'env-client-key-hostile-input-e2e';
const LIMIT_BYTES = 256 * 1024;

interface Reply {
  status: number;
  contentType: string;
  text: string;
}

describe('hostile input (whole gateway)', () => {
  let stack: Stack;
  let accountsBefore: string;

  beforeAll(async () => {
    stack = await startStack({
      accounts: 1,
      env: { REQUEST_BODY_LIMIT: String(LIMIT_BYTES), PROXY_API_KEYS: CLIENT_KEY },
    });
    accountsBefore = JSON.stringify(
      (await adminJson<AccountsResponse>('/admin/accounts')).accounts.map(
        ({ id, label, email, enabled, priority }) => ({ id, label, email, enabled, priority }),
      ),
    );
  });
  afterAll(() => stack.close());

  afterEach(async () => {
    const health = await fetch(`${stack.baseUrl}/health`);
    expect(health.status).toBe(200);
  });

  async function send(
    method: string,
    path: string,
    headers: Record<string, string>,
    body?: string | Buffer,
  ): Promise<Reply> {
    const response = await fetch(`${stack.baseUrl}${path}`, {
      method,
      headers,
      ...(body === undefined ? {} : { body }),
    });
    return {
      status: response.status,
      contentType: response.headers.get('content-type') ?? '',
      text: await response.text(),
    };
  }

  function v1(path: string, body: string | Buffer, headers: Record<string, string> = {}): Promise<Reply> {
    return send(
      'POST',
      path,
      { authorization: `Bearer ${CLIENT_KEY}`, 'content-type': 'application/json', ...headers },
      body,
    );
  }

  function admin(
    method: string,
    path: string,
    body?: string | Buffer,
    headers: Record<string, string> = {},
  ): Promise<Reply> {
    return send(
      method,
      path,
      { 'x-admin-token': stack.adminToken, 'content-type': 'application/json', ...headers },
      body,
    );
  }

  async function adminJson<T>(path: string): Promise<T> {
    return JSON.parse((await admin('GET', path)).text) as T;
  }

  /** A /v1 failure: the OpenAI envelope, a short message, no stack trace. */
  function expectV1Error(reply: Reply, status: number, message?: RegExp): void {
    expectStatus(reply, [status]);
    expect(reply.contentType).toContain('application/json');
    const body = JSON.parse(reply.text) as { error: { message: string; type: string } };
    expect(body.error.type).toBe('invalid_request_error');
    expect(body.error.message.length).toBeGreaterThan(0);
    if (message) expect(body.error.message).toMatch(message);
    expectShortAndClean(reply);
  }

  /** An admin failure: Nest's JSON shape with a message, no stack trace. */
  function expectAdminError(reply: Reply, statuses: number[], message?: RegExp): void {
    expectStatus(reply, statuses);
    expect(reply.contentType).toContain('application/json');
    const body = JSON.parse(reply.text) as { statusCode: number; message: unknown };
    expect(body.statusCode).toBe(reply.status);
    expect(JSON.stringify(body.message).length).toBeGreaterThan(2);
    if (message) expect(JSON.stringify(body.message)).toMatch(message);
    expectShortAndClean(reply);
  }

  /** On a mismatch the failure shows the body, which is what one needs to see. */
  function expectStatus(reply: Reply, statuses: number[]): void {
    expect(`${reply.status} ${reply.text.slice(0, 300)}`).toMatch(new RegExp(`^(${statuses.join('|')}) `));
  }

  function expectShortAndClean(reply: Reply): void {
    expect(reply.text.length).toBeLessThan(16_384);
    expect(reply.text).not.toMatch(/\n\s+at |node_modules|\.ts:\d+/);
  }

  describe('request bodies over the limit', () => {
    const oversized = JSON.stringify({
      model: MODEL,
      messages: [{ role: 'user', content: 'x'.repeat(LIMIT_BYTES + 10) }],
    });

    it('answers 413 payload_too_large on /v1, declared or streamed', async () => {
      expectV1Error(await v1('/v1/chat/completions', oversized), 413, /REQUEST_BODY_LIMIT|larger than/);
      const chunked = new ReadableStream<Uint8Array>({
        start(controller) {
          for (let i = 0; i < 8; i++) controller.enqueue(Buffer.from(oversized.slice(i * 40_000, (i + 1) * 40_000)));
          controller.enqueue(Buffer.from(oversized.slice(320_000)));
          controller.close();
        },
      });
      const response = await fetch(`${stack.baseUrl}/v1/responses`, {
        method: 'POST',
        headers: { authorization: `Bearer ${CLIENT_KEY}`, 'content-type': 'application/json' },
        body: chunked,
        duplex: 'half',
      } as RequestInit);
      expect(response.status).toBe(413);
      expect(await response.json()).toMatchObject({ error: { code: 'payload_too_large' } });
    });

    it('stops a gzip bomb at the limit', async () => {
      const bomb = gzipSync(Buffer.from(JSON.stringify({ model: MODEL, input: '0'.repeat(20 * LIMIT_BYTES) })));
      expect(bomb.length).toBeLessThan(LIMIT_BYTES);
      expectV1Error(await v1('/v1/responses', bomb, { 'content-encoding': 'gzip' }), 413);
    });

    it('answers 413 on the admin API too', async () => {
      expectAdminError(
        await admin('POST', '/admin/api-keys', JSON.stringify({ name: 'x'.repeat(2 * 1024 * 1024) })),
        [413],
      );
    });
  });

  describe('malformed JSON and wrong types', () => {
    it('answers malformed JSON with 400 on /v1 and on the admin API', async () => {
      expectV1Error(await v1('/v1/chat/completions', '{"model":"gpt-5-codex","messages":['), 400, /JSON/);
      expectV1Error(await v1('/v1/responses', '[1,2,3]'), 400, /JSON object/);
      expectV1Error(await v1('/v1/responses', Buffer.from('not gzip'), { 'content-encoding': 'gzip' }), 400, /gzip/);
      expectAdminError(await admin('POST', '/admin/api-keys', '{"name":'), [400]);
      expectAdminError(await admin('POST', '/admin/api-keys', '"just a string"'), [400]);
    });

    it('answers wrong types with 400 naming the field', async () => {
      expectV1Error(await v1('/v1/chat/completions', JSON.stringify({ model: 42, messages: 'hi' })), 400);
      expectV1Error(
        await v1('/v1/chat/completions', JSON.stringify({ model: MODEL, messages: [{ role: 'user', content: 42 }] })),
        400,
      );
      expectV1Error(await v1('/v1/responses', JSON.stringify({ model: ['x'], input: 5 })), 400);
      expectAdminError(await admin('POST', '/admin/api-keys', JSON.stringify({ name: { $gt: '' } })), [400], /name/);
      expectAdminError(
        await admin('POST', '/admin/api-keys', JSON.stringify({ name: 'ok', rpmLimit: '10' })),
        [400],
        /rpmLimit/,
      );
      const accountId = stack.accounts[0]!.id;
      expectAdminError(
        await admin('PATCH', `/admin/accounts/${accountId}`, JSON.stringify({ priority: 'high', enabled: 'yes' })),
        [400],
        /priority|enabled/,
      );
    });

    it('answers huge arrays with a 400 whose message stays short', async () => {
      const numbers = Array.from({ length: 30_000 }, (_, i) => i);
      expectV1Error(await v1('/v1/chat/completions', JSON.stringify({ model: MODEL, messages: numbers })), 400);
      const models = Array.from({ length: 50_000 }, () => 'm');
      expectAdminError(
        await admin('POST', '/admin/api-keys', JSON.stringify({ name: 'many', allowedModels: models })),
        [400],
        /allowedModels/,
      );
    });

    const deepArray = '['.repeat(10_000) + ']'.repeat(10_000);
    const deepObject = '{"a":'.repeat(10_000) + '1' + '}'.repeat(10_000);

    it('answers 10,000 levels of nesting on /v1 with a 400', async () => {
      expectV1Error(
        await v1('/v1/chat/completions', `{"model":"${MODEL}","messages":[{"role":"user","content":${deepArray}}]}`),
        400,
      );
      expectV1Error(await v1('/v1/responses', `{"model":"${MODEL}","input":${deepArray}}`), 400);
    });

    it.each([
      ['nested arrays in a field', `{"name":${deepArray}}`],
      ['nested objects as the body', deepObject],
    ])('answers 10,000 levels of %s on the admin API with a 4xx, not a stack overflow', async (_label, body) => {
      expectAdminError(await admin('POST', '/admin/api-keys', body), [400, 413]);
    });

    it('answers invalid UTF-8 with 400', async () => {
      const invalid = (prefix: string, suffix: string) =>
        Buffer.concat([Buffer.from(prefix), Buffer.from([0xc3, 0x28, 0xff]), Buffer.from(suffix)]);
      expectV1Error(
        await v1('/v1/chat/completions', invalid(`{"model":"${MODEL}","messages":[{"role":"user","content":"`, '"}]}')),
        400,
        /UTF-8/,
      );
      expectAdminError(await admin('POST', '/admin/api-keys', invalid('{"name":"', '"}')), [400], /UTF-8/);
    });
  });

  describe('absurd query parameters', () => {
    it.each([
      'page=-1',
      'page=0',
      'page=1.5',
      'pageSize=1e9',
      'pageSize=1000000000',
      'pageSize=0',
      'sinceMs=abc',
      'untilMs=1e400',
      'sinceMs=2000&untilMs=1000',
      'limit=abc',
      'isError=maybe',
      'page=1&page=2',
      'nonsense=1',
    ])('/admin/traces?%s → 400', async (query) => {
      expectAdminError(await admin('GET', `/admin/traces?${query}`), [400]);
    });

    it.each([
      '/admin/stats/usage?sinceMs=abc',
      '/admin/stats/usage?untilMs=-5',
      '/admin/stats/traces?bucketMs=0',
      '/admin/stats/traces?bucketMs=1e99',
    ])('%s → 400', async (path) => {
      expectAdminError(await admin('GET', path), [400]);
    });

    it('keeps a fine-grained histogram over all time bounded', async () => {
      const reply = await admin('GET', '/admin/stats/traces?bucketMs=1000&sinceMs=0');
      expect(reply.status).toBeLessThan(500);
      if (reply.status === 200) {
        const body = JSON.parse(reply.text) as { stats: { timeseries: unknown[] } };
        expect(body.stats.timeseries.length).toBeLessThanOrEqual(100_000);
      }
    });
  });

  describe('path ids that try to escape', () => {
    it.each([
      ['GET', '/admin/traces/..%2F..%2F..%2Fetc%2Fpasswd'],
      ['GET', '/admin/traces/abc%00def'],
      ['PATCH', '/admin/accounts/..%2Faccounts.json'],
      ['DELETE', '/admin/accounts/..%2F..%2Faccounts.json'],
      ['POST', '/admin/accounts/..%2Faccounts.json/unblock'],
      ['DELETE', '/admin/api-keys/..%2Fapi-keys.json'],
      ['PATCH', '/admin/api-keys/..%2F..%2Fadmin-token'],
      ['GET', '/admin/oauth/status/..%2F..%2Foauth-state.json'],
    ])('%s %s → 404', async (method, path) => {
      // An empty patch is valid, so only the id can make these fail.
      expectAdminError(await admin(method, path, method === 'PATCH' ? '{}' : undefined), [404]);
    });

    it('answers a 5,000-character id with 404', async () => {
      expectAdminError(await admin('GET', `/admin/traces/${'x'.repeat(5000)}`), [404]);
    });

    it('answers /v1/models/<traversal> with model_not_found', async () => {
      const reply = await send('GET', '/v1/models/..%2F..%2Fadmin%2Fconfig', { authorization: `Bearer ${CLIENT_KEY}` });
      expect(reply.status).toBe(404);
      expect(JSON.parse(reply.text)).toMatchObject({ error: { code: 'model_not_found' } });
    });
  });

  describe('hostile headers', () => {
    it('answers a malformed session cookie with 401, not 500', async () => {
      const reply = await send('GET', '/admin/accounts', { cookie: 'mcp_admin=%E0%A4%A' });
      expect(reply.status).toBe(401);
      expect((await admin('GET', '/admin/api-keys')).status).toBe(200);
    });

    it('answers an oversized or odd Authorization header with 401 on /v1', async () => {
      for (const authorization of [
        `Bearer ${'a'.repeat(8000)}`,
        'Bearer',
        'Basic Zm9vOmJhcg==',
        `Bearer ${CLIENT_KEY} extra`,
      ]) {
        const reply = await send('GET', '/v1/models', { authorization });
        expect([authorization.slice(0, 20), reply.status]).toEqual([authorization.slice(0, 20), 401]);
      }
    });

    it('answers an unsupported content-encoding with a 4xx', async () => {
      const reply = await v1('/v1/responses', JSON.stringify({ model: MODEL, input: 'hi' }), {
        'content-encoding': 'compress',
      });
      expect(reply.status).toBe(415);
    });
  });

  describe('random bodies', () => {
    it('never answers a 5xx to random JSON on the /v1 and admin write routes', async () => {
      const routes: [string, (body: string) => Promise<Reply>][] = [
        ['/v1/chat/completions', (body) => v1('/v1/chat/completions', body)],
        ['/v1/responses', (body) => v1('/v1/responses', body)],
        ['PATCH /admin/api-keys/env-1', (body) => admin('PATCH', '/admin/api-keys/env-1', body)],
        ['PATCH /admin/accounts/missing', (body) => admin('PATCH', '/admin/accounts/acc_missing', body)],
      ];
      await fc.assert(
        fc.asyncProperty(fc.constantFrom(...routes), fc.json({ depthSize: 'small' }), async ([name, call], body) => {
          const reply = await call(body);
          expect([name, reply.status < 500]).toEqual([name, true]);
        }),
        { numRuns: 60 },
      );
    });
  });

  it('wrote nothing: no key created, accounts unchanged, no stray files in DATA_DIR', async () => {
    const keys = await adminJson<ApiKeysResponse>('/admin/api-keys');
    expect(keys.keys.map((key) => key.id)).toEqual(['env-1']);
    expect(existsSync(join(stack.config.dataDir, 'api-keys.json'))).toBe(false);
    const accounts = await adminJson<AccountsResponse>('/admin/accounts');
    expect(
      JSON.stringify(
        accounts.accounts.map(({ id, label, email, enabled, priority }) => ({ id, label, email, enabled, priority })),
      ),
    ).toBe(accountsBefore);
    const stray = readdirSync(stack.config.dataDir).filter((name) => /passwd|config|\.\./.test(name));
    expect(stray).toEqual([]);
  });
});
