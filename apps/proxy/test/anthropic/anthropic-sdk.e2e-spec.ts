import Anthropic, { APIError, OverloadedError } from '@anthropic-ai/sdk';
import { traceOf } from '../helpers/client';
import { startStack, type Stack } from '../helpers/stack';
import { anthropic, createClientKey } from './helpers';

const PNG_BASE64 = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==';

const weatherTool = {
  name: 'get_weather',
  description: 'Weather for a city',
  input_schema: { type: 'object' as const, properties: { city: { type: 'string' } }, required: ['city'] },
};

describe('/v1/messages with the Anthropic SDK (PROTOCOL.md §14)', () => {
  let stack: Stack;
  let key: { id: string; secret: string };
  let client: Anthropic;

  beforeAll(async () => {
    stack = await startStack({ accounts: 2, env: { UPSTREAM_TRANSIENT_RETRIES: '0' } });
    key = await createClientKey(stack, 'claude code');
    client = anthropic(stack, key.secret);
  });
  afterAll(() => stack.close());
  afterEach(() => stack.reset());

  it('creates a message: the model echoed, end_turn, usage, traced on /v1/messages for the client key', async () => {
    const { data: message, response } = await client.messages
      .create({ model: 'claude-sonnet-4-5', max_tokens: 1024, messages: [{ role: 'user', content: 'hello there' }] })
      .withResponse();
    expect(message).toMatchObject({
      type: 'message',
      role: 'assistant',
      model: 'claude-sonnet-4-5',
      content: [{ type: 'text', text: 'echo: hello there' }],
      stop_reason: 'end_turn',
    });
    expect(message.id).toMatch(/^msg_/);
    expect(message.usage.output_tokens).toBeGreaterThan(0);
    expect(message.usage.input_tokens).toBeGreaterThan(0);
    expect(typeof message.usage.cache_read_input_tokens).toBe('number');
    const trace = await traceOf(stack, response.headers.get('x-request-id'));
    expect(trace).toMatchObject({
      route: '/v1/messages',
      status: 200,
      clientKeyId: key.id,
      model: 'claude-sonnet-4-5',
      upstreamModel: 'gpt-5.3-codex',
      stream: false,
    });
    expect(trace.droppedParams).toContain('max_tokens');
  });

  it('streams: finalMessage() assembles the text, events arrive in Anthropic order', async () => {
    const stream = client.messages.stream({
      model: 'claude-opus-4-8',
      max_tokens: 64000,
      messages: [{ role: 'user', content: 'stream this please' }],
    });
    const types: string[] = [];
    stream.on('streamEvent', (event) => types.push(event.type));
    const message = await stream.finalMessage();
    expect(message.content).toEqual([{ type: 'text', text: 'echo: stream this please', citations: null }]);
    expect(message.model).toBe('claude-opus-4-8');
    expect(message.stop_reason).toBe('end_turn');
    expect(types[0]).toBe('message_start');
    expect(types.slice(-2)).toEqual(['message_delta', 'message_stop']);
    expect(types).toContain('content_block_delta');
  });

  it('fails over before the first byte: a spent account is invisible to the client', async () => {
    const [user1, user2] = stack.accounts;
    stack.fake.inject(user1!.fakeId, { kind: 'quota' });
    const stream = client.messages.stream({
      model: 'claude-sonnet-4-5',
      max_tokens: 1024,
      messages: [{ role: 'user', content: 'survive a spent account' }],
    });
    const message = await stream.finalMessage();
    expect(message.content).toEqual([{ type: 'text', text: 'echo: survive a spent account', citations: null }]);
    const trace = await traceOf(stack, (await stream.withResponse()).response.headers.get('x-request-id'));
    expect(trace.accountId).toBe(user2!.id);
    expect(trace.attempts.map((attempt) => attempt.class)).toEqual(['quota', 'ok']);
  });

  it('round-trips a tool: tool_use with parsed input, then the tool_result reaches the model', async () => {
    const first = await client.messages.create({
      model: 'claude-sonnet-4-5',
      max_tokens: 1024,
      tools: [weatherTool],
      messages: [{ role: 'user', content: 'call get_weather with {"city":"Paris"}' }],
    });
    expect(first.stop_reason).toBe('tool_use');
    const call = first.content.find((block) => block.type === 'tool_use');
    expect(call).toMatchObject({ type: 'tool_use', name: 'get_weather', input: { city: 'Paris' } });
    const second = await client.messages
      .stream({
        model: 'claude-sonnet-4-5',
        max_tokens: 1024,
        tools: [weatherTool],
        messages: [
          { role: 'user', content: 'call get_weather with {"city":"Paris"}' },
          { role: 'assistant', content: first.content },
          { role: 'user', content: [{ type: 'tool_result', tool_use_id: call!.id, content: '22°C and sunny' }] },
        ],
      })
      .finalMessage();
    expect(second.content).toEqual([{ type: 'text', text: 'tool said: 22°C and sunny', citations: null }]);
    expect(second.stop_reason).toBe('end_turn');
  });

  it('streams a tool call as input_json_delta that the SDK parses', async () => {
    const message = await client.messages
      .stream({
        model: 'claude-haiku-4-5',
        max_tokens: 1024,
        tools: [weatherTool],
        messages: [{ role: 'user', content: 'call get_weather with {"city":"Oslo"}' }],
      })
      .finalMessage();
    expect(message.content).toEqual([
      expect.objectContaining({ type: 'tool_use', name: 'get_weather', input: { city: 'Oslo' } }),
    ]);
  });

  it('sends an image upstream', async () => {
    const message = await client.messages.create({
      model: 'claude-sonnet-4-5',
      max_tokens: 1024,
      messages: [
        {
          role: 'user',
          content: [
            { type: 'image', source: { type: 'base64', media_type: 'image/png', data: PNG_BASE64 } },
            { type: 'text', text: 'what is this?' },
          ],
        },
      ],
    });
    const text = message.content[0]?.type === 'text' ? message.content[0].text : '';
    expect(text).toMatch(/^echo: what is this\? \[image: data \d+ bytes\]$/);
  });

  it('exposes reasoning summaries as thinking blocks when thinking is on', async () => {
    const message = await client.messages
      .stream({
        model: 'claude-opus-4-8',
        max_tokens: 64000,
        thinking: { type: 'enabled', budget_tokens: 20000 },
        messages: [{ role: 'user', content: 'think first' }],
      })
      .finalMessage();
    expect(message.content.map((block) => block.type)).toEqual(['thinking', 'text']);
    expect(message.content[0]).toMatchObject({ type: 'thinking', thinking: 'Considering: think first' });
  });

  it('runs Anthropic’s web search tool as the upstream one and answers with its text', async () => {
    const message = await client.messages.create({
      model: 'gpt-5.2',
      max_tokens: 1024,
      tools: [{ type: 'web_search_20250305', name: 'web_search' }],
      messages: [{ role: 'user', content: 'search multicodex' }],
    });
    expect(message.model).toBe('gpt-5.2');
    expect(message.content).toEqual([{ type: 'text', text: 'Found multicodex on example.com.', citations: null }]);
  });

  it('estimates input tokens', async () => {
    const small = await client.messages.countTokens({
      model: 'claude-sonnet-4-5',
      messages: [{ role: 'user', content: 'hi' }],
    });
    const large = await client.messages.countTokens({
      model: 'claude-sonnet-4-5',
      system: 'You are a helpful assistant. '.repeat(200),
      messages: [{ role: 'user', content: 'hi' }],
    });
    expect(small.input_tokens).toBeGreaterThan(0);
    expect(large.input_tokens).toBeGreaterThan(small.input_tokens + 1000);
  });

  describe('typed errors in Anthropic’s envelope', () => {
    it('AuthenticationError for a wrong key', async () => {
      const error = await anthropic(stack, 'sk-wrong')
        .messages.create({ model: 'claude-sonnet-4-5', max_tokens: 10, messages: [{ role: 'user', content: 'x' }] })
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(Anthropic.AuthenticationError);
      expect((error as APIError).error).toMatchObject({
        type: 'error',
        error: { type: 'authentication_error', message: expect.stringContaining('API key') },
      });
    });

    it('NotFoundError for a model no account serves', async () => {
      const error = await client.messages
        .create({ model: 'gpt-4o-nonexistent', max_tokens: 10, messages: [{ role: 'user', content: 'x' }] })
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(Anthropic.NotFoundError);
      expect((error as APIError).error).toMatchObject({ error: { type: 'not_found_error' } });
    });

    it('BadRequestError for an invalid request, naming the field', async () => {
      const error = await client.messages
        .create({ model: 'claude-sonnet-4-5', max_tokens: 10, messages: [] })
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(Anthropic.BadRequestError);
      expect((error as APIError).error).toMatchObject({
        error: { type: 'invalid_request_error', message: expect.stringContaining('messages') },
      });
    });

    it('words a context overflow the way Claude Code detects to compact', async () => {
      stack.fake.inject(stack.accounts[0]!.fakeId, { kind: 'stream_failed', code: 'context_length_exceeded' });
      const error = await client.messages
        .create({ model: 'claude-sonnet-4-5', max_tokens: 10, messages: [{ role: 'user', content: 'x' }] })
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(Anthropic.BadRequestError);
      const message = ((error as APIError).error as { error: { message: string } }).error.message;
      // The pattern Claude Code 2.x parses: /prompt is too long[^0-9]*(\d+)\s*tokens?\s*>\s*(\d+)/i
      expect(message).toMatch(/^prompt is too long: \d+ tokens > 272000 maximum/);
    });

    it('RateLimitError with Retry-After when every account is at its limit', async () => {
      for (const account of stack.accounts) stack.fake.inject(account.fakeId, { kind: 'quota' });
      const error = await client.messages
        .create({ model: 'claude-sonnet-4-5', max_tokens: 10, messages: [{ role: 'user', content: 'x' }] })
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(Anthropic.RateLimitError);
      const apiError = error as APIError;
      expect(apiError.error).toMatchObject({
        error: { type: 'rate_limit_error', message: expect.stringContaining('usage limit') },
      });
      expect(Number(apiError.headers?.get('retry-after'))).toBeGreaterThanOrEqual(1);
    });

    it('529 overloaded_error when upstream only fails transiently', async () => {
      for (const account of stack.accounts) stack.fake.inject(account.fakeId, { kind: 'http', status: 503 }, 5);
      const error = await client.messages
        .create({ model: 'claude-sonnet-4-5', max_tokens: 10, messages: [{ role: 'user', content: 'x' }] })
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(OverloadedError);
      expect((error as APIError).status).toBe(529);
      expect((error as APIError).error).toMatchObject({ error: { type: 'overloaded_error' } });
    });

    it('an error after the stream started arrives as an error event the SDK raises', async () => {
      for (const account of stack.accounts) stack.fake.inject(account.fakeId, { kind: 'drop', afterDeltas: 1 });
      const stream = client.messages.stream({
        model: 'claude-sonnet-4-5',
        max_tokens: 10,
        messages: [{ role: 'user', content: 'a longer answer that will be cut' }],
      });
      await expect(stream.finalMessage()).rejects.toThrow(Anthropic.APIError);
    });
  });
});
