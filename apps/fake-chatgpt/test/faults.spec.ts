import { eventually } from '@mcp/testing';
import type { FakeChatgpt } from '../src';
import {
  codexHeaders,
  type Login,
  login,
  ofType,
  parseSse,
  postResponses,
  startWithAlice,
  streamEvents,
  textOf,
  userMessage,
  validBody,
} from './helpers';

let fake: FakeChatgpt;
let alice: Login;

beforeAll(async () => {
  ({ fake, alice } = await startWithAlice());
});
afterAll(() => fake.stop());
afterEach(() => {
  fake.clearFaults(alice.account.id);
  fake.options.deltaIntervalMs = 0;
});

async function jsonOf(res: Response): Promise<Record<string, Record<string, unknown>>> {
  return (await res.json()) as Record<string, Record<string, unknown>>;
}

/** Reads a stream until it ends or breaks; returns the text received and whether it broke. */
async function readUntilBreak(res: Response): Promise<{ text: string; broke: boolean }> {
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  let text = '';
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return { text, broke: false };
      text += decoder.decode(value, { stream: true });
    }
  } catch {
    return { text, broke: true };
  }
}

describe('fault injection on the responses route', () => {
  it('quota: 429 usage_limit_reached with reset times, for the next N requests only', async () => {
    fake.inject(alice.account.id, { kind: 'quota' }, 2);
    for (let i = 0; i < 2; i++) {
      const res = await postResponses(fake, alice, validBody());
      expect(res.status).toBe(429);
      expect(res.headers.get('x-codex-primary-used-percent')).toBe('100');
      const body = await jsonOf(res);
      expect(body.error).toMatchObject({
        type: 'usage_limit_reached',
        message: 'The usage limit has been reached',
        plan_type: 'plus',
        eligible_promo: null,
      });
      expect(body.error!.resets_at).toBe(Math.floor(fake.account(alice.account.id).windows.fiveHour!.resetAt / 1000));
      expect(body.error!.resets_in_seconds).toBeGreaterThan(17_000);
    }
    expect((await postResponses(fake, alice, validBody())).status).toBe(200);
  });

  it('quota on the weekly window reports the weekly reset', async () => {
    fake.inject(alice.account.id, { kind: 'quota', window: 'weekly' });
    const res = await postResponses(fake, alice, validBody());
    expect(res.headers.get('x-codex-secondary-used-percent')).toBe('100');
    expect((await jsonOf(res)).error!.resets_in_seconds).toBeGreaterThan(600_000);
  });

  it('http 500 and 503 overloaded, and a custom body', async () => {
    fake.inject(alice.account.id, { kind: 'http', status: 500 });
    fake.inject(alice.account.id, { kind: 'http', status: 503 });
    fake.inject(alice.account.id, {
      kind: 'http',
      status: 403,
      body: { error: { type: 'usage_not_included', message: 'no' } },
    });
    const r500 = await postResponses(fake, alice, validBody());
    expect(r500.status).toBe(500);
    expect((await jsonOf(r500)).error!.type).toBe('server_error');
    const r503 = await postResponses(fake, alice, validBody());
    expect(r503.status).toBe(503);
    expect((await jsonOf(r503)).error!.code).toBe('server_is_overloaded');
    const r403 = await postResponses(fake, alice, validBody());
    expect(r403.status).toBe(403);
    expect((await jsonOf(r403)).error!.type).toBe('usage_not_included');
  });

  it('rate_limit: plain 429 with Retry-After', async () => {
    fake.inject(alice.account.id, { kind: 'rate_limit', retryAfterSec: 7 });
    const res = await postResponses(fake, alice, validBody());
    expect(res.status).toBe(429);
    expect(res.headers.get('retry-after')).toBe('7');
    expect((await jsonOf(res)).error).toMatchObject({ code: 'rate_limit_exceeded' });
  });

  it('model_not_supported: 400 naming the requested model', async () => {
    fake.inject(alice.account.id, { kind: 'model_not_supported' });
    const res = await postResponses(fake, alice, validBody({ model: 'gpt-5.2-codex' }));
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({
      detail: "The 'gpt-5.2-codex' model is not supported when using Codex with a ChatGPT account.",
    });
  });

  it('revoke: 401 and the token stays dead, while a freshly issued one works', async () => {
    const bob = login(fake, 'bob@example.com');
    fake.inject(bob.account.id, { kind: 'revoke' });
    const first = await postResponses(fake, bob, validBody());
    expect(first.status).toBe(401);
    expect((await jsonOf(first)).error!.code).toBe('token_invalidated');
    expect((await postResponses(fake, bob, validBody())).status).toBe(401);
    const fresh = { account: bob.account, tokens: fake.issueTokens(bob.account.id) };
    expect((await postResponses(fake, fresh, validBody())).status).toBe(200);
  });

  it('stream_failed: response.failed inside a 200 stream', async () => {
    fake.inject(alice.account.id, { kind: 'stream_failed', code: 'server_is_overloaded' });
    const events = await streamEvents(fake, alice, validBody());
    expect(events.map((e) => e.data.type)).toEqual(['response.created', 'response.in_progress', 'response.failed']);
    const failed = ofType(events, 'response.failed')[0]!.response as Record<string, unknown>;
    expect(failed).toMatchObject({ status: 'failed', error: { code: 'server_is_overloaded' } });
  });

  it('stream_failed after K deltas sends that much text first', async () => {
    fake.inject(alice.account.id, { kind: 'stream_failed', code: 'server_error', afterDeltas: 2 });
    const events = await streamEvents(fake, alice, validBody({ input: [userMessage('long 10')] }));
    expect(ofType(events, 'response.output_text.delta')).toHaveLength(2);
    expect(events[events.length - 1]!.data.type).toBe('response.failed');
  });

  it('drop: the connection breaks after K deltas and is not counted as a client abort', async () => {
    fake.inject(alice.account.id, { kind: 'drop', afterDeltas: 3 });
    const before = fake.counters().abortedRequests[alice.account.id] ?? 0;
    const { text, broke } = await readUntilBreak(
      await postResponses(fake, alice, validBody({ input: [userMessage('long 10')] })),
    );
    expect(broke).toBe(true);
    const events = parseSse(text);
    expect(ofType(events, 'response.output_text.delta')).toHaveLength(3);
    expect(ofType(events, 'response.completed')).toHaveLength(0);
    expect(fake.counters().abortedRequests[alice.account.id] ?? 0).toBe(before);
  });

  it('truncate: a clean EOF with no terminal event', async () => {
    fake.inject(alice.account.id, { kind: 'truncate' });
    const { text, broke } = await readUntilBreak(await postResponses(fake, alice, validBody()));
    expect(broke).toBe(false);
    const events = parseSse(text);
    expect(textOf(events)).toBe('echo: hello');
    expect(events.some((e) => ['response.completed', 'response.failed', 'error'].includes(String(e.data.type)))).toBe(
      false,
    );
  });

  it('empty: response.completed with no output at all', async () => {
    fake.inject(alice.account.id, { kind: 'empty' });
    const events = await streamEvents(fake, alice, validBody());
    expect(events.map((e) => e.data.type)).toEqual(['response.created', 'response.in_progress', 'response.completed']);
    expect((ofType(events, 'response.completed')[0]!.response as { output: unknown[] }).output).toEqual([]);
  });

  it('delay: the answer still arrives after the pause', async () => {
    fake.inject(alice.account.id, { kind: 'delay', ms: 30 });
    expect(textOf(await streamEvents(fake, alice, validBody()))).toBe('echo: hello');
  });

  it('faults target one route: a usage fault leaves inference alone', async () => {
    fake.inject(alice.account.id, { kind: 'http', status: 502 }, 1, 'usage');
    expect((await postResponses(fake, alice, validBody())).status).toBe(200);
    const usage = await fetch(`${fake.url}/backend-api/wham/usage`, { headers: codexHeaders(alice) });
    expect(usage.status).toBe(502);
    await usage.text();
    expect(() => fake.inject(alice.account.id, { kind: 'drop', afterDeltas: 1 }, 1, 'models')).toThrow(
      /responses stream/,
    );
    expect(() => fake.inject(alice.account.id, { kind: 'nope' } as never)).toThrow(/unknown fault/);
  });
});

describe('client disconnects', () => {
  it('counts a request the client aborted mid-stream', async () => {
    fake.options.deltaIntervalMs = 20;
    const res = await postResponses(fake, alice, validBody({ input: [userMessage('long 200')] }));
    const reader = res.body!.getReader();
    await reader.read();
    await reader.cancel();
    await eventually(() => (fake.counters().abortedRequests[alice.account.id] ?? 0) === 1, {
      what: 'the abort to be counted',
    });
  });

  it('counts an abort during a first-byte delay', async () => {
    const bob = login(fake, 'delayed@example.com');
    fake.inject(bob.account.id, { kind: 'delay', ms: 60_000 });
    const controller = new AbortController();
    const pending = fetch(`${fake.url}/backend-api/codex/responses`, {
      method: 'POST',
      headers: codexHeaders(bob),
      body: JSON.stringify(validBody()),
      signal: controller.signal,
    });
    await eventually(() => fake.counters().requests[bob.account.id]?.responses === 1, {
      what: 'the request to arrive',
    });
    controller.abort();
    await expect(pending).rejects.toThrow();
    await eventually(() => fake.counters().abortedRequests[bob.account.id] === 1, { what: 'the abort to be counted' });
  });
});
