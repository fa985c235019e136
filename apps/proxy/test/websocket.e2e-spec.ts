import type { TraceRecord } from '@mcp/contracts';
import { ResponsesWebSocketGateway } from '@mcp/proxy';
import { eventually } from '@mcp/testing';
import { RefusedUpgrade, WsTestClient, responseIdOf, textOf, type Frame } from '@mcp/testing/ws-client';
import { startStack, type Stack } from './helpers/stack';

const BETA = { 'openai-beta': 'responses_websockets=2026-02-06' };

function userMessage(text: string): Frame {
  return { type: 'message', role: 'user', content: [{ type: 'input_text', text }] };
}

function create(input: Frame[], extra: Frame = {}): Frame {
  return { type: 'response.create', model: 'gpt-5.3-codex', instructions: 'Be brief.', input, store: false, ...extra };
}

function wsUrl(stack: Stack, path = '/v1/responses'): string {
  return `${stack.baseUrl.replace(/^http/, 'ws')}${path}`;
}

async function refusal(promise: Promise<unknown>): Promise<RefusedUpgrade> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof RefusedUpgrade) return error;
    throw error;
  }
  throw new Error('the upgrade was accepted');
}

async function traces(stack: Stack): Promise<TraceRecord[]> {
  await new Promise((resolve) => setTimeout(resolve, 50));
  const response = await fetch(`${stack.baseUrl}/admin/traces?page=1&pageSize=100`, {
    headers: { 'x-admin-token': stack.adminToken },
  });
  return ((await response.json()) as { traces: TraceRecord[] }).traces.sort((a, b) => a.at - b.at);
}

/** Requests /metrics has counted on a route, every status and account together. */
async function countedOn(stack: Stack, route: string): Promise<number> {
  const text = await (
    await fetch(`${stack.baseUrl}/metrics`, { headers: { 'x-admin-token': stack.adminToken } })
  ).text();
  return text
    .split('\n')
    .filter((line) => line.startsWith('mcp_http_requests_total{') && line.includes(`route="${route}"`))
    .reduce((sum, line) => sum + Number(line.slice(line.lastIndexOf(' ') + 1)), 0);
}

describe('Responses over WebSocket through the gateway (PROTOCOL §13.1)', () => {
  let stack: Stack;
  let client: WsTestClient | undefined;

  beforeAll(async () => {
    stack = await startStack({ accounts: 2 });
  });
  afterAll(async () => {
    await stack?.close();
  });
  beforeEach(async () => {
    await stack.reset();
    stack.fake.resetCounters();
  });
  afterEach(() => {
    client?.close();
    client = undefined;
  });

  it('serves several requests on one socket, each routed, traced and counted like an HTTP request', async () => {
    const before = (await traces(stack)).length;
    const countedBefore = await countedOn(stack, '/v1/responses');
    client = await WsTestClient.open(wsUrl(stack), { ...BETA, 'session-id': 'ws-session-1' });
    const first = await client.request(create([userMessage('one')]));
    const second = await client.request(create([userMessage('two')]));
    expect(textOf(first)).toBe('echo: one');
    expect(first.some((f) => f['type'] === 'codex.rate_limits')).toBe(false);
    expect(textOf(second)).toBe('echo: two');
    expect(first.at(-1)).toEqual(expect.objectContaining({ type: 'response.completed' }));
    const recorded = (await traces(stack)).slice(before);
    expect(recorded.map((t) => [t.route, t.method, t.status, t.stream])).toEqual([
      ['/v1/responses', 'WS', 200, true],
      ['/v1/responses', 'WS', 200, true],
    ]);
    // One session: both on the same account, and the emulator saw ordinary HTTP requests from the gateway.
    expect(new Set(recorded.map((t) => t.accountId)).size).toBe(1);
    const served = Object.values(stack.fake.counters().requests).reduce((n, r) => n + (r.responses ?? 0), 0);
    expect(served).toBe(2);
    expect((await countedOn(stack, '/v1/responses')) - countedBefore).toBe(2);
  });

  it('expands previous_response_id from its own memory, and answers an unknown id with a 400 error frame', async () => {
    client = await WsTestClient.open(wsUrl(stack), BETA);
    const first = await client.request(create([userMessage('remember kiwi')]));
    const next = await client.request(
      create([userMessage('which fruit?')], { previous_response_id: responseIdOf(first) }),
    );
    expect(textOf(next)).toBe('echo: which fruit?');
    const last = Object.values(stack.fake.counters().lastRequest)
      .map((r) => r.body as { input: Array<{ role?: string }>; previous_response_id?: unknown })
      .find((body) => JSON.stringify(body).includes('which fruit?'));
    expect(last?.input.map((item) => item.role)).toEqual(['user', 'assistant', 'user']);
    expect(last).not.toHaveProperty('previous_response_id');

    const unknown = await client.request(create([], { previous_response_id: 'resp_we_never_sent' }));
    expect(unknown).toEqual([
      {
        type: 'error',
        status: 400,
        error: expect.objectContaining({ type: 'invalid_request_error', code: 'previous_response_not_found' }),
      },
    ]);
    expect(textOf(await client.request(create([userMessage('again')])))).toBe('echo: again');
  });

  it('sends a large continuation upstream with the frame text of what it left alone', async () => {
    client = await WsTestClient.open(wsUrl(stack), BETA);
    const instructions = `You are Codex. ${'Keep diffs small.\n'.repeat(300)}`;
    const first = await client.request(create([userMessage('start')], { instructions }));
    const frame = create([userMessage('continue')], { instructions, previous_response_id: responseIdOf(first) });
    client.sendText(JSON.stringify(frame, null, 1).replace('"continue"', '"\\u0063ontinue"'));
    expect(textOf(await client.untilTerminal())).toBe('echo: continue');

    const last = Object.values(stack.fake.counters().lastRequest).find((r) => r.text?.includes('ontinue'));
    const body = last?.body as { instructions: string; input: Array<{ role?: string }> };
    expect(body.instructions).toBe(instructions);
    expect(body.input.map((item) => item.role)).toEqual(['user', 'assistant', 'user']);
    expect(body.input[2]).toEqual(userMessage('continue'));
    // The new item and the instructions as the frame spelled them; remembered items serialised by the gateway.
    expect(last?.text).toContain('"text": "\\u0063ontinue"');
    expect(last?.text).toContain('{"type":"message","role":"user","content":[{"type":"input_text","text":"start"}]}');
  });

  it('answers a generate:false prewarm locally, and a later frame continues from it', async () => {
    client = await WsTestClient.open(wsUrl(stack), BETA);
    const prewarm = await client.request(create([userMessage('context')], { generate: false }));
    expect(prewarm.map((f) => f['type'])).toEqual(['response.created', 'response.completed']);
    expect(stack.fake.counters().requests).toEqual({});
    const turn = await client.request(create([userMessage('go')], { previous_response_id: responseIdOf(prewarm) }));
    expect(textOf(turn)).toBe('echo: go');
    const body = Object.values(stack.fake.counters().lastRequest)[0]?.body as { input: unknown[] };
    expect(body.input).toHaveLength(2);
  });

  it('fails over mid-conversation when the serving account runs dry, invisibly to the client', async () => {
    client = await WsTestClient.open(wsUrl(stack), { ...BETA, 'session-id': 'ws-failover' });
    const first = await client.request(create([userMessage('turn one')]));
    const owner = (await traces(stack)).at(-1)!.accountId!;
    const ownerFake = stack.accounts.find((a) => a.id === owner)!.fakeId;
    stack.fake.setUsage(ownerFake, { fiveHour: 100 });
    const second = await client.request(
      create([userMessage('turn two')], { previous_response_id: responseIdOf(first) }),
    );
    expect(textOf(second)).toBe('echo: turn two');
    const trace = (await traces(stack)).at(-1)!;
    expect(trace.attempts.map((a) => [a.accountId === owner, a.class])).toEqual([
      [true, 'quota'],
      [false, 'ok'],
    ]);
    expect(trace.status).toBe(200);
  });

  it('fills a terminal response.completed whose output upstream left empty, as over HTTP', async () => {
    stack.fake.options.emptyCompletedOutput = true;
    try {
      client = await WsTestClient.open(wsUrl(stack), BETA);
      const frames = await client.request(create([userMessage('final object')]));
      const completed = frames.at(-1) as { type: string; response: { output: Array<{ type: string }> } };
      expect(completed.type).toBe('response.completed');
      expect(completed.response.output.map((item) => item.type)).toContain('message');
    } finally {
      stack.fake.options.emptyCompletedOutput = false;
    }
  });

  it('runs remote compaction v2 over the socket: one `compaction` item, and a stream without it fails over', async () => {
    const headers = { ...BETA, 'x-codex-beta-features': 'remote_compaction_v2', 'session-id': 'ws-compaction' };
    client = await WsTestClient.open(wsUrl(stack), headers);
    const trigger = create([userMessage('a long session'), { type: 'compaction_trigger' }]);
    const done = (frames: Frame[]) =>
      frames.filter((f) => f['type'] === 'response.output_item.done').map((f) => (f['item'] as Frame)['type']);
    expect(done(await client.request(trigger))).toEqual(['compaction']);

    const served = (await traces(stack)).at(-1)?.accountId;
    const owner = stack.accounts.find((a) => a.id === served)!;
    stack.fake.inject(owner.fakeId, { kind: 'compaction_missing' });
    expect(done(await client.request(trigger))).toEqual(['compaction']);
    expect((await traces(stack)).at(-1)?.attempts.map((a) => a.class)).toEqual(['empty_output', 'ok']);
  });

  it('sends a request that no account can serve as an error frame and keeps the socket open', async () => {
    client = await WsTestClient.open(wsUrl(stack), BETA);
    const frames = await client.request(create([userMessage('hi')], { model: 'no-such-model' }));
    expect(frames).toEqual([expect.objectContaining({ type: 'error', status: 404 })]);
    expect(textOf(await client.request(create([userMessage('fine')])))).toBe('echo: fine');
  });

  it('serves /backend-api/codex/responses too, with x-models-etag and the pool windows on the 101', async () => {
    client = await WsTestClient.open(wsUrl(stack, '/backend-api/codex/responses'), BETA);
    expect(client.handshakeHeaders['x-models-etag']).toMatch(/^".+"$/);
    expect(client.handshakeHeaders['x-codex-primary-used-percent']).toEqual(expect.any(String));
    const frames = await client.request(create([userMessage('prefix')]));
    expect(textOf(frames)).toBe('echo: prefix');
    // The pool's quota right after response.created, as the backend tells a socket client its own.
    expect(frames.slice(0, 2).map((f) => f['type'])).toEqual(['response.created', 'codex.rate_limits']);
    expect(frames[1]).toEqual({
      type: 'codex.rate_limits',
      plan_type: expect.any(String),
      rate_limits: {
        primary: expect.objectContaining({ used_percent: expect.any(Number) }),
        secondary: expect.anything(),
      },
      credits: expect.anything(),
    });
    expect(JSON.stringify(frames[1])).not.toMatch(/user\d@example\.com|acc_/);
    expect((await traces(stack)).at(-1)).toEqual(
      expect.objectContaining({ route: '/backend-api/codex/responses', method: 'WS', status: 200 }),
    );
  });

  it('cancels the upstream call when the socket closes mid-request, and traces it as 499', async () => {
    for (const account of stack.accounts) stack.fake.inject(account.fakeId, { kind: 'delay', ms: 1500 });
    client = await WsTestClient.open(wsUrl(stack), BETA);
    client.send(create([userMessage('never mind')]));
    await new Promise((resolve) => setTimeout(resolve, 300));
    client.socket.terminate();
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect((await traces(stack)).at(-1)).toEqual(expect.objectContaining({ method: 'WS', status: 499 }));
  });

  it('refuses frames queued past the limit with a 429 error frame, and answers the others in order', async () => {
    for (const account of stack.accounts) stack.fake.inject(account.fakeId, { kind: 'delay', ms: 300 });
    client = await WsTestClient.open(wsUrl(stack), BETA);
    for (let i = 1; i <= 6; i += 1) client.send(create([userMessage(`queued ${i}`)]));
    expect(await client.untilTerminal()).toEqual([
      expect.objectContaining({
        type: 'error',
        status: 429,
        error: expect.objectContaining({ code: 'too_many_queued_requests' }),
      }),
    ]);
    for (let i = 1; i <= 5; i += 1) expect(textOf(await client.untilTerminal())).toBe(`echo: queued ${i}`);
  });

  it('answers a bad frame with an error frame, not a closed socket', async () => {
    client = await WsTestClient.open(wsUrl(stack), BETA);
    client.socket.send('not json');
    expect(await client.untilTerminal()).toEqual([expect.objectContaining({ type: 'error', status: 400 })]);
    expect(await client.request({ type: 'response.cancel' })).toEqual([
      expect.objectContaining({ type: 'error', status: 400 }),
    ]);
  });

  it('closes a socket idle past the limit with 1000 "idle timeout", pinging it meanwhile', async () => {
    const gateway = stack.app.get(ResponsesWebSocketGateway);
    const saved = gateway.limits;
    gateway.limits = { ...saved, idleMs: 400, pingMs: 100 };
    try {
      client = await WsTestClient.open(wsUrl(stack), BETA);
      await client.request(create([userMessage('then silence')]));
      expect(await client.whenClosed()).toEqual({ code: 1000, reason: 'idle timeout' });
      expect(client.pings).toBeGreaterThan(0);
    } finally {
      gateway.limits = saved;
    }
  });

  it('forgets the conversation used longest ago once all sockets together pass their budget', async () => {
    const gateway = stack.app.get(ResponsesWebSocketGateway);
    const saved = gateway.limits;
    const first = await WsTestClient.open(wsUrl(stack), BETA);
    const second = await WsTestClient.open(wsUrl(stack), BETA);
    try {
      const before = gateway.conversations.heldBytes;
      const a = await first.request(create([userMessage('remember kiwi')]));
      const oneConversation = gateway.conversations.heldBytes - before;
      expect(oneConversation).toBeGreaterThan(0);
      // Room for one more conversation like it, not two.
      gateway.limits = { ...saved, maxRememberedBytesTotal: before + Math.floor(oneConversation * 1.5) };
      const b = await second.request(create([userMessage('remember plum')]));
      expect(gateway.conversations.evictions).toBeGreaterThan(0);

      const forgotten = await first.request(create([userMessage('which?')], { previous_response_id: responseIdOf(a) }));
      expect(forgotten).toEqual([
        expect.objectContaining({
          type: 'error',
          status: 400,
          error: expect.objectContaining({ code: 'previous_response_not_found' }),
        }),
      ]);
      const kept = await second.request(create([userMessage('which?')], { previous_response_id: responseIdOf(b) }));
      expect(textOf(kept)).toBe('echo: which?');
      // A closed socket gives its share back.
      const held = gateway.conversations.heldBytes;
      second.close();
      await second.whenClosed();
      await eventually(() => gateway.conversations.heldBytes < held, { what: 'the closed socket released its share' });
    } finally {
      gateway.limits = saved;
      first.close();
      second.close();
    }
  });

  it('answers an upgrade on a path without WebSockets with 426 and a JSON error', async () => {
    const refused = await refusal(WsTestClient.open(wsUrl(stack, '/v1/chat/completions'), BETA));
    expect(refused.status).toBe(426);
    expect(JSON.parse(refused.body)).toEqual({
      error: expect.objectContaining({ code: 'upgrade_required', message: expect.stringContaining('/v1/responses') }),
    });
  });
});

describe('Responses over WebSocket: switched off, and behind client keys', () => {
  it('answers every upgrade with 426 when WEBSOCKETS_ENABLED=false', async () => {
    const stack = await startStack({ accounts: 1, env: { WEBSOCKETS_ENABLED: 'false' } });
    try {
      const refused = await refusal(WsTestClient.open(wsUrl(stack), BETA));
      expect(refused.status).toBe(426);
      expect(JSON.parse(refused.body).error.message).toContain('WEBSOCKETS_ENABLED=false');
    } finally {
      await stack.close();
    }
  });

  it('closes open sockets with 1001 when the gateway shuts down', async () => {
    const stack = await startStack({ accounts: 1 });
    const client = await WsTestClient.open(wsUrl(stack), BETA);
    expect(textOf(await client.request(create([userMessage('before shutdown')])))).toBe('echo: before shutdown');
    await stack.close();
    expect(await client.whenClosed()).toEqual({ code: 1001, reason: 'server shutting down' });
  });

  it('refuses an upgrade without a valid client key with 401, and accepts Bearer or x-api-key', async () => {
    const stack = await startStack({ accounts: 1, env: { PROXY_API_KEYS: 'ws-client-key-1' } });
    try {
      const missing = await refusal(WsTestClient.open(wsUrl(stack), BETA));
      expect(missing.status).toBe(401);
      expect(missing.headers['www-authenticate']).toBe('Bearer');
      expect(JSON.parse(missing.body).error.code).toBe('invalid_api_key');
      const wrong = await refusal(WsTestClient.open(wsUrl(stack), { ...BETA, authorization: 'Bearer nope' }));
      expect(wrong.status).toBe(401);
      expect(wrong.body).not.toContain('nope');

      const bearer = await WsTestClient.open(wsUrl(stack), { ...BETA, authorization: 'Bearer ws-client-key-1' });
      expect(textOf(await bearer.request(create([userMessage('keyed')])))).toBe('echo: keyed');
      bearer.close();
      const apiKey = await WsTestClient.open(wsUrl(stack), { ...BETA, 'x-api-key': 'ws-client-key-1' });
      expect(textOf(await apiKey.request(create([userMessage('also keyed')])))).toBe('echo: also keyed');
      apiKey.close();
    } finally {
      await stack.close();
    }
  });
});
