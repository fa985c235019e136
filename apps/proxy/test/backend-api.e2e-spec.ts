import OpenAI from 'openai';
import { postJson, traceOf } from './helpers/client';
import { dataObjects, parseSseText } from './helpers/sse';
import { startStack, type Stack } from './helpers/stack';

const MODEL = 'gpt-5.3-codex';
const V2 = { 'x-codex-beta-features': 'remote_compaction_v2' };

/** A Codex-like compaction v2 request: the history, then the trigger as the last item. */
function compactionBody(history: string): Record<string, unknown> {
  return {
    model: MODEL,
    instructions: 'You are Codex.',
    stream: true,
    store: false,
    input: [
      { type: 'message', role: 'user', content: [{ type: 'input_text', text: history }] },
      { type: 'compaction_trigger' },
    ],
  };
}

describe('the ChatGPT-shaped prefix /backend-api/codex (PROTOCOL §13.2, §13.3)', () => {
  let stack: Stack;

  beforeAll(async () => {
    stack = await startStack({ accounts: 2, fake: { emptyCompletedOutput: true } });
  });

  afterAll(async () => {
    await stack.close();
  });

  beforeEach(async () => {
    await stack.reset();
  });

  it('answers the OpenAI SDK like /v1 does, streaming and not, traced under the path the client used', async () => {
    const client = new OpenAI({ baseURL: `${stack.baseUrl}/backend-api/codex`, apiKey: 'x', maxRetries: 0 });
    const { data, response } = await client.responses.create({ model: MODEL, input: 'prefixed' }).withResponse();
    expect(data.output_text).toBe('echo: prefixed');
    const trace = await traceOf(stack, response.headers.get('x-request-id'));
    expect(trace).toEqual(expect.objectContaining({ route: '/backend-api/codex/responses', status: 200 }));

    let text = '';
    for await (const event of await client.responses.create({ model: MODEL, input: 'streamed', stream: true })) {
      if (event.type === 'response.output_text.delta') text += event.delta;
    }
    expect(text).toBe('echo: streamed');
  });

  it('describes the pool in x-codex-* headers on answers through the prefix, as /wham/usage does', async () => {
    const usage = (await (await fetch(`${stack.baseUrl}/backend-api/wham/usage`)).json()) as {
      plan_type: string;
      rate_limit: { primary_window: { used_percent: number; reset_at: number } };
    };
    const response = await postJson(stack, '/backend-api/codex/responses', { model: MODEL, input: 'hi', stream: true });
    expect(response.status).toBe(200);
    await response.text();
    expect(response.headers.get('x-codex-plan-type')).toBe(usage.plan_type);
    expect(response.headers.get('x-codex-primary-window-minutes')).toBe('300');
    expect(response.headers.get('x-codex-primary-used-percent')).toBe(
      String(usage.rate_limit.primary_window.used_percent),
    );
    expect(response.headers.get('x-codex-secondary-window-minutes')).toBe('10080');
    // /v1 keeps its answers free of them: they describe one account upstream (§4.3).
    const plain = await postJson(stack, '/v1/responses', { model: MODEL, input: 'hi' });
    expect(plain.headers.get('x-codex-primary-used-percent')).toBeNull();
  });

  it('passes a v1 compaction through /responses/compact as opaque JSON', async () => {
    const response = await postJson(stack, '/backend-api/codex/responses/compact', {
      model: MODEL,
      instructions: 'You are Codex.',
      input: [{ role: 'user', content: 'compact this' }],
    });
    expect(response.status).toBe(200);
    const body = (await response.json()) as { output: Array<{ type: string }> };
    expect(body.output.length).toBeGreaterThan(0);
    const trace = await traceOf(stack, response.headers.get('x-request-id'));
    expect(trace.route).toBe('/backend-api/codex/responses/compact');
  });

  it('relays a v2 compaction with exactly one `compaction` item, renamed and in the final output', async () => {
    const response = await postJson(stack, '/backend-api/codex/responses', compactionBody('a long history'), V2);
    expect(response.status).toBe(200);
    const events = dataObjects(parseSseText(await response.text()));
    const items = events
      .filter((e) => e['type'] === 'response.output_item.done')
      .map((e) => e['item'] as Record<string, unknown>);
    expect(items).toEqual([expect.objectContaining({ type: 'compaction', encrypted_content: expect.any(String) })]);
    expect(JSON.stringify(events)).not.toContain('compaction_summary');
    // The emulator forwards nothing without the beta header: it reached upstream with it.
    const last = stack.fake.counters().lastRequest[stack.accounts[0]!.fakeId];
    expect(last?.headers['x-codex-beta-features']).toBe('remote_compaction_v2');
  });

  it('aggregates a non-streaming v2 compaction into a response whose output is the compaction item', async () => {
    const body = { ...compactionBody('history'), stream: false };
    const response = await postJson(stack, '/v1/responses', body, V2);
    const json = (await response.json()) as { output: Array<Record<string, unknown>> };
    expect(json.output).toEqual([expect.objectContaining({ type: 'compaction' })]);
  });

  it('fails over a compaction stream that lacks its item; the client only sees the good one', async () => {
    const [first, second] = stack.accounts;
    stack.fake.inject(first!.fakeId, { kind: 'compaction_missing' });
    const response = await postJson(stack, '/backend-api/codex/responses', compactionBody('history'), V2);
    const events = dataObjects(parseSseText(await response.text()));
    const done = events.filter((e) => e['type'] === 'response.output_item.done');
    expect(done).toEqual([expect.objectContaining({ item: expect.objectContaining({ type: 'compaction' }) })]);
    const trace = await traceOf(stack, response.headers.get('x-request-id'));
    expect(trace.attempts.map((a) => [a.accountId, a.class])).toEqual([
      [first!.id, 'empty_output'],
      [second!.id, 'ok'],
    ]);
  });

  it('answers 502 when no account returns the compaction item, never an empty success', async () => {
    for (const account of stack.accounts) stack.fake.inject(account.fakeId, { kind: 'compaction_missing' }, 5);
    const response = await postJson(stack, '/backend-api/codex/responses', compactionBody('history'), V2);
    expect(response.status).toBe(502);
    const body = (await response.json()) as { error: { type: string; code: string } };
    expect(body.error).toEqual(expect.objectContaining({ type: 'upstream_error' }));
  });

  it('serves the discovered catalogue in the upstream shape, with an ETag', async () => {
    const response = await fetch(`${stack.baseUrl}/backend-api/codex/models?client_version=0.169.0`);
    expect(response.status).toBe(200);
    const body = (await response.json()) as { models: Array<Record<string, unknown>> };
    expect(body.models.map((m) => m['slug'])).toContain(MODEL);
    // Verbatim upstream entries: the fields Codex requires are there.
    expect(body.models[0]).toEqual(
      expect.objectContaining({ slug: expect.any(String), supported_reasoning_levels: expect.any(Array) }),
    );
    const etag = response.headers.get('etag');
    expect(etag).toBeTruthy();
    const again = await fetch(`${stack.baseUrl}/backend-api/codex/models`, { headers: { 'if-none-match': etag! } });
    expect(again.status).toBe(304);
  });

  it('answers unknown paths and wrong methods under the prefix in the OpenAI envelope', async () => {
    const unknown = await fetch(`${stack.baseUrl}/backend-api/codex/nope`);
    expect(unknown.status).toBe(404);
    expect(((await unknown.json()) as { error: { code: string } }).error.code).toBe('unknown_url');
    const wrong = await fetch(`${stack.baseUrl}/backend-api/codex/responses`);
    expect(wrong.status).toBe(405);
    expect(wrong.headers.get('allow')).toBe('POST');
    const bad = await postJson(stack, '/backend-api/codex/responses', '{not json');
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { type: string } }).error.type).toBe('invalid_request_error');
  });
});

describe('the ChatGPT-shaped prefix with client keys', () => {
  const KEY = 'sk-backend-api-test-key-0123456789';
  let stack: Stack;

  beforeAll(async () => {
    stack = await startStack({ accounts: 1, env: { PROXY_API_KEYS: KEY } });
  });

  afterAll(async () => {
    await stack.close();
  });

  it.each([
    ['POST', '/backend-api/codex/responses'],
    ['POST', '/backend-api/codex/responses/compact'],
    ['GET', '/backend-api/codex/models'],
    ['GET', '/backend-api/wham/usage'],
    ['GET', '/api/codex/usage'],
    ['GET', '/v1/usage/pool'],
  ])('%s %s needs a client key (401 in the OpenAI envelope)', async (method, path) => {
    const response = await fetch(`${stack.baseUrl}${path}`, {
      method,
      headers: { 'content-type': 'application/json', authorization: 'Bearer a-chatgpt-access-token' },
      ...(method === 'POST' ? { body: JSON.stringify({ model: MODEL, input: 'hi' }) } : {}),
    });
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toBe('Bearer');
    expect(response.headers.get('x-codex-primary-used-percent')).toBeNull();
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe('invalid_api_key');
  });

  it('accepts the key as x-api-key next to a ChatGPT bearer token (Codex in ChatGPT mode)', async () => {
    const response = await postJson(
      stack,
      '/backend-api/codex/responses',
      { model: MODEL, input: 'keyed', stream: false },
      { authorization: 'Bearer a-chatgpt-access-token', 'x-api-key': KEY },
    );
    expect(response.status).toBe(200);
    expect(((await response.json()) as { output: unknown[] }).output.length).toBeGreaterThan(0);
  });
});
