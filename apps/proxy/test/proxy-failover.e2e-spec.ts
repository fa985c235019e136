import OpenAI from 'openai';
import { AccountsService } from '@mcp/accounts';
import { eventually, openai, postJson, traceOf } from './helpers/client';
import { dataObjects, parseSseText } from './helpers/sse';
import { startStack, type Stack } from './helpers/stack';

const MODEL = 'gpt-5.3-codex';

describe('failover before the commit point, in-stream errors after it', () => {
  let stack: Stack;
  let client: OpenAI;
  let user1: Stack['accounts'][number];
  let user2: Stack['accounts'][number];

  beforeAll(async () => {
    stack = await startStack({ accounts: 2, env: { UPSTREAM_TRANSIENT_RETRIES: '1' } });
    client = openai(stack);
    [user1, user2] = stack.accounts as [typeof user1, typeof user2];
  });

  beforeEach(async () => {
    stack.fake.options.deltaIntervalMs = 0;
    await stack.reset();
  });

  afterAll(async () => {
    await stack.close();
  });

  const servedBy = (trace: { attempts: Array<{ accountId: string; class: string }> }) =>
    trace.attempts.map((a) => [a.accountId, a.class]);

  it('hides a 429 quota answer and serves the stream from the next account', async () => {
    stack.fake.inject(user1.fakeId, { kind: 'quota' });
    const { data: stream, response } = await client.responses
      .create({ model: MODEL, input: 'quota test', stream: true })
      .withResponse();
    let text = '';
    for await (const event of stream) if (event.type === 'response.output_text.delta') text += event.delta;
    expect(text).toBe('echo: quota test');
    const trace = await traceOf(stack, response.headers.get('x-request-id'));
    expect(servedBy(trace)).toEqual([
      [user1.id, 'quota'],
      [user2.id, 'ok'],
    ]);
    expect(trace.attempts[0]?.status).toBe(429);
    expect([trace.accountId, trace.status]).toEqual([user2.id, 200]);
    expect(stack.app.get(AccountsService).get(user1.id)?.state.blockKind).toBe('quota');
  });

  it('hides a 503 and serves a chat completion from the next account', async () => {
    stack.fake.inject(user1.fakeId, { kind: 'http', status: 503 });
    const { data, response } = await client.chat.completions
      .create({ model: MODEL, messages: [{ role: 'user', content: 'overloaded?' }] })
      .withResponse();
    expect(data.choices[0]?.message.content).toBe('echo: overloaded?');
    const trace = await traceOf(stack, response.headers.get('x-request-id'));
    expect(servedBy(trace)).toEqual([
      [user1.id, 'transient'],
      [user2.id, 'ok'],
    ]);
  });

  it('hides a response.failed that arrives before any content', async () => {
    stack.fake.inject(user1.fakeId, { kind: 'stream_failed', code: 'server_is_overloaded' });
    const response = await postJson(stack, '/v1/chat/completions', {
      model: MODEL,
      messages: [{ role: 'user', content: 'failed early' }],
      stream: true,
    });
    const text = await response.text();
    expect(text).not.toContain('error');
    const chunks = dataObjects(parseSseText(text)) as unknown as OpenAI.Chat.ChatCompletionChunk[];
    expect(chunks.map((c) => c.choices[0]?.delta.content ?? '').join('')).toBe('echo: failed early');
    const trace = await traceOf(stack, response.headers.get('x-request-id'));
    expect(servedBy(trace)).toEqual([
      [user1.id, 'transient'],
      [user2.id, 'ok'],
    ]);
  });

  it('refreshes the token after a 401 and retries the same account once', async () => {
    stack.fake.inject(user1.fakeId, { kind: 'revoke' });
    const { data, response } = await client.responses.create({ model: MODEL, input: 'after revoke' }).withResponse();
    expect(data.output_text).toBe('echo: after revoke');
    expect(stack.fake.counters().refreshCalls[user1.fakeId]).toBe(1);
    const trace = await traceOf(stack, response.headers.get('x-request-id'));
    expect(servedBy(trace)).toEqual([
      [user1.id, 'auth'],
      [user1.id, 'ok'],
    ]);
  });

  it('moves on when the refresh fails too, and marks the account for re-login', async () => {
    stack.fake.revokeRefreshTokens(user1.fakeId);
    stack.fake.inject(user1.fakeId, { kind: 'revoke' });
    const { data, response } = await client.responses.create({ model: MODEL, input: 'no refresh' }).withResponse();
    expect(data.output_text).toBe('echo: no refresh');
    const trace = await traceOf(stack, response.headers.get('x-request-id'));
    expect(trace.accountId).toBe(user2.id);
    expect(stack.app.get(AccountsService).get(user1.id)?.state.needsReauth).toBe(true);
  });

  it('keeps an upstream context_length_exceeded as a 400 without trying another account', async () => {
    stack.fake.inject(user1.fakeId, { kind: 'stream_failed', code: 'context_length_exceeded' });
    const error = await client.responses.create({ model: MODEL, input: 'too long' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAI.BadRequestError);
    expect((error as InstanceType<typeof OpenAI.BadRequestError>).code).toBe('context_length_exceeded');
    expect(stack.fake.counters().requests[user2.fakeId]?.responses ?? 0).toBe(0);
  });

  it('ends a native stream with a clean error event when the upstream drops after content', async () => {
    stack.fake.inject(user1.fakeId, { kind: 'drop', afterDeltas: 2 });
    const response = await postJson(stack, '/v1/responses', { model: MODEL, input: 'long 6', stream: true });
    expect(response.status).toBe(200);
    const frames = parseSseText(await response.text());
    const deltas = frames.filter((f) => f.event === 'response.output_text.delta');
    expect(deltas).toHaveLength(2);
    const last = frames[frames.length - 1];
    expect(last?.event).toBe('error');
    expect(JSON.parse(last?.data ?? '{}')).toEqual(
      expect.objectContaining({ type: 'error', code: 'stream_interrupted', param: null }),
    );
    const trace = await traceOf(stack, response.headers.get('x-request-id'));
    expect([trace.status, trace.finishReason]).toEqual([200, null]);
    expect(trace.error).toBeTruthy();
    // The emulator cuts the connection: a network failure, after the commit point so no failover.
    expect(trace.attempts).toEqual([expect.objectContaining({ accountId: user1.id, class: 'transient' })]);
  });

  it('treats a stream that ends without a terminal event as truncated: in-stream for a streaming client', async () => {
    stack.fake.inject(user1.fakeId, { kind: 'truncate' });
    const response = await postJson(stack, '/v1/responses', { model: MODEL, input: 'cut short', stream: true });
    const frames = parseSseText(await response.text());
    expect(frames.filter((f) => f.event === 'response.output_text.delta').length).toBeGreaterThan(0);
    expect(frames[frames.length - 1]?.event).toBe('error');
    const trace = await traceOf(stack, response.headers.get('x-request-id'));
    expect(trace.attempts).toEqual([expect.objectContaining({ accountId: user1.id, class: 'truncated' })]);
  });

  it('fails over a truncated stream for a non-streaming client, whose commit point is the end', async () => {
    stack.fake.inject(user1.fakeId, { kind: 'truncate' });
    const { data, response } = await client.chat.completions
      .create({ model: MODEL, messages: [{ role: 'user', content: 'whole or nothing' }] })
      .withResponse();
    expect(data.choices[0]?.message.content).toBe('echo: whole or nothing');
    const trace = await traceOf(stack, response.headers.get('x-request-id'));
    expect(servedBy(trace)).toEqual([
      [user1.id, 'truncated'],
      [user2.id, 'ok'],
    ]);
  });

  it('ends a chat stream with an error chunk then [DONE] when the upstream drops after content', async () => {
    stack.fake.inject(user1.fakeId, { kind: 'drop', afterDeltas: 1 });
    const response = await postJson(stack, '/v1/chat/completions', {
      model: MODEL,
      messages: [{ role: 'user', content: 'long 5' }],
      stream: true,
    });
    const frames = parseSseText(await response.text());
    expect(frames[frames.length - 1]?.data).toBe('[DONE]');
    const error = JSON.parse(frames[frames.length - 2]?.data ?? '{}') as { error?: Record<string, unknown> };
    expect(error.error).toEqual(
      expect.objectContaining({ type: 'upstream_error', code: 'stream_interrupted', param: null }),
    );
  });

  it('aborts the upstream request when the client disconnects, and traces 499', async () => {
    stack.fake.options.deltaIntervalMs = 20;
    const controller = new AbortController();
    const response = await fetch(`${stack.baseUrl}/v1/responses`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: MODEL, input: 'long 500', stream: true }),
      signal: controller.signal,
    });
    const requestId = response.headers.get('x-request-id');
    await response.body?.getReader().read();
    controller.abort();
    await eventually(() => (stack.fake.counters().abortedRequests[user1.fakeId] === 1 ? true : undefined));
    const trace = await traceOf(stack, requestId);
    expect(trace.status).toBe(499);
    expect(trace.attempts[trace.attempts.length - 1]?.class).toBe('aborted');
  });

  it('cancels an attempt still waiting for upstream headers when the client leaves', async () => {
    stack.fake.inject(user1.fakeId, { kind: 'delay', ms: 10_000 });
    const controller = new AbortController();
    const pending = fetch(`${stack.baseUrl}/v1/responses`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: MODEL, input: 'never mind', stream: true }),
      signal: controller.signal,
    }).catch(() => undefined);
    await eventually(() => (stack.fake.counters().requests[user1.fakeId]?.responses === 1 ? true : undefined));
    controller.abort();
    await pending;
    await eventually(() => (stack.fake.counters().abortedRequests[user1.fakeId] === 1 ? true : undefined));
    const trace = await eventually(async () => {
      const response = await fetch(`${stack.baseUrl}/admin/traces?page=1&pageSize=5`, {
        headers: { 'x-admin-token': stack.adminToken },
      });
      const { traces } = (await response.json()) as {
        traces: Array<{ status: number; attempts: Array<{ class: string }> }>;
      };
      return traces.find((t) => t.status === 499);
    });
    expect(trace.attempts).toEqual([expect.objectContaining({ class: 'aborted' })]);
    expect(stack.fake.counters().requests[user2.fakeId]?.responses ?? 0).toBe(0);
  });

  it('answers 429 usage_limit_reached with Retry-After and resets_at once every account is exhausted', async () => {
    stack.fake.inject(user1.fakeId, { kind: 'quota' });
    stack.fake.inject(user2.fakeId, { kind: 'quota' });
    const response = await postJson(stack, '/v1/chat/completions', {
      model: MODEL,
      messages: [{ role: 'user', content: 'x' }],
    });
    expect(response.status).toBe(429);
    const retryAfter = Number(response.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    const body = (await response.json()) as { error: Record<string, unknown> };
    expect(body.error).toEqual(
      expect.objectContaining({
        type: 'usage_limit_reached',
        code: 'all_accounts_exhausted',
        resets_in_seconds: retryAfter,
      }),
    );
    expect(body.error['resets_at']).toBeGreaterThan(Date.now() / 1000);
    expect(body.error['message']).toMatch(/All 2 accounts are at their usage limit.*soonest reset/);
  });

  it('answers 503 upstream_unavailable (never 429) when every attempt failed transiently, after one retry', async () => {
    stack.fake.inject(user1.fakeId, { kind: 'http', status: 502 }, 2);
    stack.fake.inject(user2.fakeId, { kind: 'http', status: 502 }, 2);
    const response = await postJson(stack, '/v1/responses', { model: MODEL, input: 'all down' });
    expect(response.status).toBe(503);
    expect(Number(response.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe('upstream_unavailable');
    const trace = await traceOf(stack, response.headers.get('x-request-id'));
    expect(trace.attempts).toHaveLength(3);
  });

  it('retries a transiently failed account when no untried one is left', async () => {
    stack.fake.inject(user1.fakeId, { kind: 'http', status: 500 });
    stack.fake.inject(user2.fakeId, { kind: 'http', status: 500 });
    const { data, response } = await client.responses.create({ model: MODEL, input: 'second wind' }).withResponse();
    expect(data.output_text).toBe('echo: second wind');
    const trace = await traceOf(stack, response.headers.get('x-request-id'));
    expect(servedBy(trace)).toEqual([
      [user1.id, 'transient'],
      [user2.id, 'transient'],
      [user1.id, 'ok'],
    ]);
  });

  it('answers 502 empty_output when every attempt came back empty', async () => {
    stack.fake.inject(user1.fakeId, { kind: 'empty' }, 2);
    stack.fake.inject(user2.fakeId, { kind: 'empty' }, 2);
    const response = await postJson(stack, '/v1/responses', { model: MODEL, input: 'nothing' });
    expect(response.status).toBe(502);
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe('empty_output');
  });
});
