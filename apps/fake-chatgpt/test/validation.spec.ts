import type { FakeChatgpt } from '../src';
import { codexHeaders, login, postResponses, startFake, userMessage, validBody, type Login } from './helpers';

let fake: FakeChatgpt;
let alice: Login;

beforeAll(async () => {
  fake = await startFake();
  alice = login(fake, 'alice@example.com', {
    models: ['gpt-5.3-codex', 'gpt-5.2-codex', 'gpt-5.2', 'gpt-5.1-codex-mini'],
  });
});
afterAll(() => fake.stop());

async function expectError(res: Response, status: number): Promise<Record<string, unknown>> {
  const body = (await res.json()) as Record<string, unknown>;
  expect({ status: res.status, body }).toEqual({ status, body: expect.anything() });
  return body;
}

function errorMessage(body: Record<string, unknown>): string {
  return (body.detail as string | undefined) ?? ((body.error as Record<string, unknown>)?.message as string);
}

describe('authentication of POST /backend-api/codex/responses', () => {
  it('rejects a request without a bearer token', async () => {
    const res = await fetch(`${fake.url}/backend-api/codex/responses`, {
      method: 'POST',
      body: JSON.stringify(validBody()),
    });
    await expectError(res, 401);
  });

  it('rejects an unknown token', async () => {
    const res = await postResponses(fake, alice, validBody(), { authorization: 'Bearer not-a-token' });
    expect(errorMessage(await expectError(res, 401))).toMatch(/authentication token/);
  });

  it('answers an expired token with the token_expired body', async () => {
    const bob = login(fake, 'bob@example.com');
    fake.expireAccessTokens(bob.account.id);
    const body = await expectError(await postResponses(fake, bob, validBody()), 401);
    expect(body).toEqual({
      error: {
        message: 'Provided authentication token is expired. Please try signing in again.',
        type: 'invalid_request_error',
        code: 'token_expired',
        param: null,
      },
    });
  });

  it('expires tokens by the clock after their lifetime', async () => {
    const carol = login(fake, 'carol@example.com', { accessTokenTtlSec: 60 });
    expect((await postResponses(fake, carol, validBody())).status).toBe(200);
    fake.advance(61_000);
    expect((await postResponses(fake, carol, validBody())).status).toBe(401);
  });

  it('requires the chatgpt-account-id header to match the token', async () => {
    const missing = await postResponses(fake, alice, validBody(), { 'chatgpt-account-id': '' });
    expect(errorMessage(await expectError(missing, 403))).toMatch(/chatgpt-account-id/);
    const other = await postResponses(fake, alice, validBody(), { 'chatgpt-account-id': 'someone-else' });
    expect(errorMessage(await expectError(other, 403))).toMatch(/does not match/);
  });

  it('lets two members of one workspace use the same account id with their own tokens', async () => {
    const owner = login(fake, 'owner@team.example', { chatgptAccountId: 'ws-shared', plan: 'team' });
    const member = login(fake, 'member@team.example', { chatgptAccountId: 'ws-shared', plan: 'team' });
    expect((await postResponses(fake, owner, validBody())).status).toBe(200);
    expect((await postResponses(fake, member, validBody())).status).toBe(200);
    expect(fake.counters().requests[member.account.id]?.responses).toBe(1);
  });
});

describe('body validation', () => {
  const detailCases: [string, Record<string, unknown>, string][] = [
    ['store true', { store: true }, 'Store must be set to false'],
    ['store missing', { store: undefined }, 'Store must be set to false'],
    ['stream false', { stream: false }, 'Stream must be set to true'],
    ['instructions missing', { instructions: undefined }, 'Instructions are required'],
    ['instructions blank', { instructions: '  ' }, 'Instructions are required'],
    ['input as a string', { input: 'hello' }, 'Input must be a list'],
    [
      'unknown model',
      { model: 'gpt-9-ultra' },
      "The 'gpt-9-ultra' model is not supported when using Codex with a ChatGPT account.",
    ],
    [
      'a model outside the plan',
      { model: 'gpt-5-codex' },
      "The 'gpt-5-codex' model is not supported when using Codex with a ChatGPT account.",
    ],
    [
      'a provider-prefixed model id',
      { model: 'openai/gpt-5.3-codex' },
      "The 'openai/gpt-5.3-codex' model is not supported when using Codex with a ChatGPT account.",
    ],
  ];
  it.each(detailCases)('rejects %s', async (_name, overrides, message) => {
    const body = await expectError(await postResponses(fake, alice, validBody(overrides)), 400);
    expect(body).toEqual({ detail: message });
  });

  const rejected = [
    'max_output_tokens',
    'max_tool_calls',
    'temperature',
    'top_p',
    'presence_penalty',
    'frequency_penalty',
    'seed',
    'logprobs',
    'top_logprobs',
    'metadata',
    'user',
    'safety_identifier',
    'service_tier',
    'truncation',
    'background',
    'stream_options',
    'prompt',
    'previous_response_id',
    'conversation',
  ];
  it.each(rejected)('rejects the parameter %s', async (name) => {
    const body = await expectError(await postResponses(fake, alice, validBody({ [name]: 1 })), 400);
    expect(body).toEqual({ detail: `Unsupported parameter: ${name}` });
  });

  it('rejects input_text inside an assistant message', async () => {
    const input = [
      userMessage('hi'),
      { type: 'message', role: 'assistant', content: [{ type: 'input_text', text: 'x' }] },
    ];
    const body = await expectError(await postResponses(fake, alice, validBody({ input })), 400);
    expect(body.error).toMatchObject({ param: 'input[1].content[0]', code: 'invalid_value' });
  });

  it('accepts output_text and refusal in assistant history', async () => {
    const input = [
      userMessage('hi'),
      {
        type: 'message',
        role: 'assistant',
        content: [
          { type: 'output_text', text: 'x' },
          { type: 'refusal', refusal: 'no' },
        ],
      },
      userMessage('again'),
    ];
    expect((await postResponses(fake, alice, validBody({ input }))).status).toBe(200);
  });

  it('rejects a function_call_output without its function_call', async () => {
    const input = [userMessage('hi'), { type: 'function_call_output', call_id: 'call_1', output: 'ok' }];
    const body = await expectError(await postResponses(fake, alice, validBody({ input })), 400);
    expect(errorMessage(body)).toBe('No tool call found for function call output with call_id call_1.');
  });

  it('rejects a custom_tool_call_output whose call came later', async () => {
    const input = [
      { type: 'custom_tool_call_output', call_id: 'call_2', output: 'ok' },
      { type: 'custom_tool_call', call_id: 'call_2', name: 'apply_patch', input: 'x' },
    ];
    const body = await expectError(await postResponses(fake, alice, validBody({ input })), 400);
    expect(errorMessage(body)).toMatch(/No tool call found for custom tool call output/);
  });

  it('rejects a reasoning item without encrypted_content (nothing is stored upstream)', async () => {
    const input = [userMessage('hi'), { type: 'reasoning', id: 'rs_1', summary: [] }, userMessage('next')];
    const body = await expectError(await postResponses(fake, alice, validBody({ input })), 400);
    expect(errorMessage(body)).toMatch(/Items are not persisted when `store` is set to false/);
  });

  it('rejects text.verbosity other than medium on a model without verbosity support', async () => {
    const body = await expectError(await postResponses(fake, alice, validBody({ text: { verbosity: 'low' } })), 400);
    expect(body.error).toMatchObject({ param: 'text.verbosity', code: 'unsupported_value' });
    expect((await postResponses(fake, alice, validBody({ text: { verbosity: 'medium' } }))).status).toBe(200);
    const verbose = validBody({ model: 'gpt-5.2', text: { verbosity: 'low' } });
    expect((await postResponses(fake, alice, verbose)).status).toBe(200);
  });

  it('rejects a reasoning effort the model does not support', async () => {
    const mini = validBody({ model: 'gpt-5.1-codex-mini', reasoning: { effort: 'low' } });
    const body = await expectError(await postResponses(fake, alice, mini), 400);
    expect(body.error).toMatchObject({ param: 'reasoning.effort', code: 'unsupported_value' });
    const bogus = await expectError(await postResponses(fake, alice, validBody({ reasoning: { effort: 'max' } })), 400);
    expect(bogus.error).toMatchObject({ param: 'reasoning.effort' });
  });

  it('rejects malformed JSON', async () => {
    const res = await fetch(`${fake.url}/backend-api/codex/responses`, {
      method: 'POST',
      headers: codexHeaders(alice),
      body: '{',
    });
    expect(await expectError(res, 400)).toEqual({ detail: 'Invalid JSON body' });
  });

  it('adds x-codex headers to validation errors too', async () => {
    const res = await postResponses(fake, alice, validBody({ store: true }));
    expect(res.status).toBe(400);
    expect(res.headers.get('x-codex-primary-window-minutes')).toBe('300');
    await res.text();
  });

  it('counts requests missing the Codex identity and rejects them for identity-bound models', async () => {
    const res = await postResponses(fake, alice, validBody(), { originator: '' });
    expect(res.status).toBe(200);
    await res.text();
    expect(fake.counters().missingIdentity[alice.account.id]).toBe(1);
    fake.options.identityRequiredModels = ['gpt-5.3-codex'];
    try {
      const refused = await postResponses(fake, alice, validBody(), { version: '' });
      expect(errorMessage(await expectError(refused, 400))).toMatch(/not supported/);
    } finally {
      fake.options.identityRequiredModels = [];
    }
  });
});

describe('POST /backend-api/codex/responses/compact', () => {
  const path = '/backend-api/codex/responses/compact';
  const compactBody = {
    model: 'gpt-5.3-codex',
    instructions: 'Summarise.',
    input: [userMessage('first'), userMessage('second')],
  };

  it.each(['store', 'stream', 'include', 'tool_choice', 'parallel_tool_calls', 'temperature'])(
    'rejects %s',
    async (name) => {
      const res = await postResponses(
        fake,
        alice,
        { ...compactBody, [name]: name === 'include' ? [] : false },
        {},
        path,
      );
      expect(await expectError(res, 400)).toEqual({ detail: `Unsupported parameter: ${name}` });
    },
  );

  it('returns JSON output keeping the user messages plus a summary', async () => {
    const res = await postResponses(fake, alice, compactBody, {}, path);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/application\/json/);
    const body = (await res.json()) as { output: Record<string, unknown>[] };
    expect(body.output).toHaveLength(3);
    expect(body.output.every((item) => item.type === 'message' && item.role === 'user')).toBe(true);
    expect(JSON.stringify(body.output[2])).toContain('Last request: second');
  });

  it('requires the same authentication', async () => {
    const res = await postResponses(fake, alice, compactBody, { authorization: 'Bearer nope' }, path);
    await expectError(res, 401);
  });
});
