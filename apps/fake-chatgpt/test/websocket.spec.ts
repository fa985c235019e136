import { RefusedUpgrade, WsTestClient, responseIdOf, textOf } from '@mcp/testing/ws-client';
import { RESPONSES_WEBSOCKETS_BETA, type FakeChatgpt } from '../src';
import { codexHeaders, type Login, startWithAlice, userMessage, validBody } from './helpers';

let fake: FakeChatgpt;
let alice: Login;

beforeAll(async () => {
  ({ fake, alice } = await startWithAlice());
});
afterAll(() => fake.stop());
beforeEach(() => {
  fake.resetCounters();
  fake.resetWindows(alice.account.id);
});

const PATH = '/backend-api/codex/responses';

function wsUrl(path = PATH): string {
  return `${fake.url.replace(/^http/, 'ws')}${path}`;
}

function handshake(l: Login, extra: Record<string, string> = {}): Record<string, string> {
  const { 'content-type': _c, accept: _a, ...headers } = codexHeaders(l);
  return { ...headers, 'openai-beta': RESPONSES_WEBSOCKETS_BETA, ...extra };
}

function create(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return { type: 'response.create', ...validBody(overrides) };
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

describe('Responses over WebSocket (PROTOCOL §13.1)', () => {
  it('answers several response.create frames on one socket, each event as a JSON text frame', async () => {
    const client = await WsTestClient.open(wsUrl(), handshake(alice));
    expect(client.handshakeHeaders['x-models-etag']).toEqual(expect.any(String));
    const first = await client.request(create({ input: [userMessage('one')] }));
    const second = await client.request(create({ input: [userMessage('two')] }));
    expect(first.map((f) => f['type'])).toEqual(
      expect.arrayContaining(['response.created', 'response.output_item.added', 'response.completed']),
    );
    expect(textOf(first)).toBe('echo: one');
    expect(textOf(second)).toBe('echo: two');
    expect(fake.webSocketCounters()).toEqual(
      expect.objectContaining({ connections: 1, requests: { [alice.account.id]: 2 } }),
    );
    expect(fake.counters().requests[alice.account.id]?.responses).toBe(2);
    client.close();
  });

  it('continues from previous_response_id with only the new input, and refuses an id it never answered', async () => {
    const client = await WsTestClient.open(wsUrl(), handshake(alice));
    const first = await client.request(create({ input: [userMessage('remember the word kiwi')] }));
    const next = await client.request(
      create({ previous_response_id: responseIdOf(first), input: [userMessage('which word?')] }),
    );
    expect(textOf(next)).toBe('echo: which word?');
    const body = fake.counters().lastRequest[alice.account.id]?.body as { input: Array<{ role?: string }> };
    expect(body.input.map((item) => item.role)).toEqual(['user', 'assistant', 'user']);

    const unknown = await client.request(create({ previous_response_id: 'resp_never', input: [] }));
    expect(unknown).toEqual([
      {
        type: 'error',
        status: 400,
        error: expect.objectContaining({ code: 'previous_response_not_found', param: 'previous_response_id' }),
      },
    ]);
    // The socket stays open for the next request.
    expect(textOf(await client.request(create({ input: [userMessage('still here')] })))).toBe('echo: still here');
    client.close();
  });

  it('answers a generate:false prewarm without spending quota, and continues from it', async () => {
    const client = await WsTestClient.open(wsUrl(), handshake(alice));
    const before = fake.account(alice.account.id).windows;
    const prewarm = await client.request(create({ generate: false, input: [userMessage('setup')] }));
    expect(prewarm.map((f) => f['type'])).toEqual(['response.created', 'response.completed']);
    expect(fake.account(alice.account.id).windows).toEqual(before);
    const turn = await client.request(
      create({ previous_response_id: responseIdOf(prewarm), input: [userMessage('go')] }),
    );
    expect(textOf(turn)).toBe('echo: go');
    const body = fake.counters().lastRequest[alice.account.id]?.body as { input: unknown[] };
    expect(body.input).toHaveLength(2);
    expect(fake.webSocketCounters().prewarms).toBe(1);
    client.close();
  });

  it('sends a spent quota as a 429 error frame and keeps the socket open', async () => {
    const client = await WsTestClient.open(wsUrl(), handshake(alice));
    fake.setUsage(alice.account.id, { fiveHour: 100 });
    const frames = await client.request(create());
    expect(frames).toEqual([
      expect.objectContaining({
        type: 'error',
        status: 429,
        error: expect.objectContaining({ type: 'usage_limit_reached' }),
      }),
    ]);
    fake.resetWindows(alice.account.id);
    expect(textOf(await client.request(create()))).toBe('echo: hello');
    client.close();
  });

  it('refuses an upgrade without a valid token, without the beta header, or on another path', async () => {
    const noToken = await refusal(WsTestClient.open(wsUrl(), { 'openai-beta': RESPONSES_WEBSOCKETS_BETA }));
    expect(noToken.status).toBe(401);
    const noBeta = await refusal(WsTestClient.open(wsUrl(), handshake(alice, { 'openai-beta': '' })));
    expect(noBeta.status).toBe(400);
    const elsewhere = await refusal(WsTestClient.open(wsUrl('/backend-api/codex/models'), handshake(alice)));
    expect(elsewhere.status).toBe(404);
    expect(fake.webSocketCounters().connections).toBe(0);
  });
});
