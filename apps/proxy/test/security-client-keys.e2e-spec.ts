import OpenAI from 'openai';
import type { ApiKeyCreatedResponse, ApiKeysResponse, TracesPageResponse, UsageStatsResponse } from '@mcp/contracts';
import { Stack, startStack } from './helpers/stack';
import { eventually } from '@mcp/testing';

// Client keys on /v1 (PROTOCOL.md §12.4) through the whole gateway: admin API, guard, traces and stats.

const MODEL = 'gpt-5-codex';
const ENV_KEY = 'env-client-key-for-security-e2e';

async function json<T>(response: Response): Promise<T> {
  return (await response.json()) as T;
}

describe('client keys on /v1 (whole gateway)', () => {
  let stack: Stack;
  let admin: Record<string, string>;

  beforeAll(async () => {
    stack = await startStack({ accounts: 1, env: { PROXY_API_KEYS: ENV_KEY } });
    admin = { 'x-admin-token': stack.adminToken, 'content-type': 'application/json' };
  });
  afterAll(() => stack.close());

  async function createKey(body: Record<string, unknown>): Promise<ApiKeyCreatedResponse> {
    const response = await fetch(`${stack.baseUrl}/admin/api-keys`, {
      method: 'POST',
      headers: admin,
      body: JSON.stringify(body),
    });
    expect(response.status).toBe(201);
    return json<ApiKeyCreatedResponse>(response);
  }

  function chat(headers: Record<string, string>, model = MODEL): Promise<Response> {
    return fetch(`${stack.baseUrl}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify({ model, messages: [{ role: 'user', content: 'hello' }] }),
    });
  }

  it('answers a request without a key with 401 in the OpenAI envelope, on every /v1 route', async () => {
    for (const [method, path] of [
      ['GET', '/v1/models'],
      ['GET', `/v1/models/${MODEL}`],
      ['POST', '/v1/chat/completions'],
      ['POST', '/v1/responses'],
    ] as const) {
      const response = await fetch(`${stack.baseUrl}${path}`, {
        method,
        headers: { 'content-type': 'application/json' },
        ...(method === 'POST' ? { body: JSON.stringify({ model: MODEL, input: 'hi' }) } : {}),
      });
      expect(response.status).toBe(401);
      expect(response.headers.get('www-authenticate')).toBe('Bearer');
      expect(response.headers.get('content-type')).toContain('application/json');
      expect(response.headers.get('x-request-id')).toBeTruthy();
      expect(await response.json()).toEqual({
        error: {
          message: expect.stringContaining('API key'),
          type: 'invalid_request_error',
          code: 'invalid_api_key',
          param: null,
        },
      });
    }
  });

  it('refuses a wrong key and never echoes it', async () => {
    const response = await fetch(`${stack.baseUrl}/v1/models`, {
      headers: { authorization: 'Bearer mcp-not-a-real-key' },
    });
    expect(response.status).toBe(401);
    expect(await response.text()).not.toContain('mcp-not-a-real-key');
  });

  it('serves a created key as a Bearer token (OpenAI SDK) and as x-api-key, and never forwards it upstream', async () => {
    const { key, secret } = await createKey({ name: 'sdk user' });
    const client = new OpenAI({ apiKey: secret, baseURL: `${stack.baseUrl}/v1`, maxRetries: 0 });

    const completion = await client.chat.completions.create({
      model: MODEL,
      messages: [{ role: 'user', content: 'hi' }],
    });
    expect(completion.choices[0]?.message.role).toBe('assistant');
    const models = await client.models.list();
    expect(models.data.map((model) => model.id)).toContain(MODEL);

    const viaHeader = await chat({ 'x-api-key': secret });
    expect(viaHeader.status).toBe(200);

    const upstream = stack.fake.counters().lastRequest[stack.accounts[0]!.fakeId];
    expect(JSON.stringify(upstream?.headers)).not.toContain(secret);
    const listed = await json<ApiKeysResponse>(await fetch(`${stack.baseUrl}/admin/api-keys`, { headers: admin }));
    expect(listed.keys.find((view) => view.id === key.id)?.lastUsedAt).toEqual(expect.any(Number));
    expect(JSON.stringify(listed)).not.toContain(secret);
  });

  it('accepts the PROXY_API_KEYS key too', async () => {
    expect((await chat({ authorization: `Bearer ${ENV_KEY}` })).status).toBe(200);
  });

  it('refuses a disabled key, takes it back when re-enabled, and refuses it for good once deleted', async () => {
    const { key, secret } = await createKey({ name: 'to revoke' });
    expect((await chat({ authorization: `Bearer ${secret}` })).status).toBe(200);

    const disable = await fetch(`${stack.baseUrl}/admin/api-keys/${key.id}`, {
      method: 'PATCH',
      headers: admin,
      body: JSON.stringify({ enabled: false }),
    });
    expect(disable.status).toBe(200);
    const refused = await chat({ authorization: `Bearer ${secret}` });
    expect(refused.status).toBe(401);
    expect(await refused.json()).toMatchObject({ error: { code: 'invalid_api_key' } });

    await fetch(`${stack.baseUrl}/admin/api-keys/${key.id}`, {
      method: 'PATCH',
      headers: admin,
      body: JSON.stringify({ enabled: true }),
    });
    expect((await chat({ authorization: `Bearer ${secret}` })).status).toBe(200);

    const removed = await fetch(`${stack.baseUrl}/admin/api-keys/${key.id}`, { method: 'DELETE', headers: admin });
    expect(await removed.json()).toEqual({ ok: true });
    expect((await chat({ authorization: `Bearer ${secret}` })).status).toBe(401);
  });

  it('keeps a key to its models and its requests per minute, in the OpenAI envelope', async () => {
    const { secret } = await createKey({ name: 'narrow', allowedModels: [MODEL], rpmLimit: 2 });
    const headers = { authorization: `Bearer ${secret}` };

    const forbidden = await chat(headers, 'gpt-5.3-codex');
    expect(forbidden.status).toBe(403);
    expect(await forbidden.json()).toEqual({
      error: {
        message: expect.stringContaining('gpt-5.3-codex'),
        type: 'invalid_request_error',
        code: 'model_not_allowed',
        param: 'model',
      },
    });

    expect((await chat(headers)).status).toBe(200);
    expect((await chat(headers)).status).toBe(200);
    const limited = await chat(headers);
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(await limited.json()).toMatchObject({ error: { type: 'requests', code: 'rate_limit_exceeded' } });
  });

  it('shows usage per client key in traces and stats, by id and never by secret', async () => {
    const alice = await createKey({ name: 'alice' });
    const bob = await createKey({ name: 'bob' });
    for (const secret of [alice.secret, alice.secret, bob.secret])
      expect((await chat({ authorization: `Bearer ${secret}` })).status).toBe(200);

    const usage = await eventually(async () => {
      const stats = await json<UsageStatsResponse>(
        await fetch(`${stack.baseUrl}/admin/stats/usage`, { headers: admin }),
      );
      const counts = new Map(stats.byClientKey.map((row) => [row.clientKeyId, row.requests]));
      return counts.get(alice.key.id) === 2 && counts.get(bob.key.id) === 1 ? stats : undefined;
    });
    expect(JSON.stringify(usage)).not.toContain(alice.secret);

    const traces = await eventually(async () => {
      const page = await json<TracesPageResponse>(
        await fetch(`${stack.baseUrl}/admin/traces?page=1&pageSize=100`, { headers: admin }),
      );
      return page.traces.filter((trace) => trace.clientKeyId === alice.key.id).length === 2 ? page : undefined;
    });
    expect(traces.traces.filter((trace) => trace.clientKeyId === bob.key.id)).toHaveLength(1);
    expect(JSON.stringify(traces)).not.toContain(alice.secret);
    expect(JSON.stringify(traces)).not.toContain(bob.secret);
  });
});

describe('an open /v1 (no client key configured)', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ accounts: 1 });
  });
  afterAll(() => stack.close());

  it('serves requests without a key, as the seed did, until the first key is created', async () => {
    expect((await fetch(`${stack.baseUrl}/v1/models`)).status).toBe(200);

    const created = await fetch(`${stack.baseUrl}/admin/api-keys`, {
      method: 'POST',
      headers: { 'x-admin-token': stack.adminToken, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'first' }),
    });
    const { secret } = (await created.json()) as ApiKeyCreatedResponse;

    expect((await fetch(`${stack.baseUrl}/v1/models`)).status).toBe(401);
    expect((await fetch(`${stack.baseUrl}/v1/models`, { headers: { authorization: `Bearer ${secret}` } })).status).toBe(
      200,
    );
  });
});
