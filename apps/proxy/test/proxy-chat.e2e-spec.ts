import type OpenAI from 'openai';
import { TINY_PNG, openai, postJson, traceOf } from './helpers/client';
import { dataObjects, parseSseText } from './helpers/sse';
import { startStack, type Stack } from './helpers/stack';

const MODEL = 'gpt-5.3-codex';

const weatherTool: OpenAI.Chat.ChatCompletionTool = {
  type: 'function',
  function: { name: 'get_weather', parameters: { type: 'object', properties: { city: { type: 'string' } } } },
};

describe('POST /v1/chat/completions (translated to the Responses backend)', () => {
  let stack: Stack;
  let client: OpenAI;

  beforeAll(async () => {
    stack = await startStack({ accounts: 1, fake: { rateLimitsEventEvery: 1 } });
    client = openai(stack);
  });

  afterAll(async () => {
    await stack.close();
  });

  it('answers a non-streaming completion with the requested model and usage', async () => {
    const { data, response } = await client.chat.completions
      .create({
        model: MODEL,
        messages: [
          { role: 'system', content: 'Be brief.' },
          { role: 'user', content: 'hi there' },
        ],
      })
      .withResponse();
    expect(data.object).toBe('chat.completion');
    expect(data.model).toBe(MODEL);
    expect(data.choices[0]?.message).toEqual(expect.objectContaining({ role: 'assistant', content: 'echo: hi there' }));
    expect(data.choices[0]?.finish_reason).toBe('stop');
    expect(data.usage?.prompt_tokens).toBeGreaterThan(0);
    expect(data.usage?.prompt_tokens_details?.cached_tokens).toBe(0);
    const trace = await traceOf(stack, response.headers.get('x-request-id'));
    expect(trace).toEqual(
      expect.objectContaining({ route: '/v1/chat/completions', status: 200, finishReason: 'stop' }),
    );
    expect(trace.sessionKeyHash).toMatch(/^[0-9a-f]{16}$/);
  });

  it('sends the same derived prompt_cache_key for a continued conversation, so the prompt cache hits', async () => {
    const opening: OpenAI.Chat.ChatCompletionMessageParam[] = [
      { role: 'system', content: 'You are terse.' },
      { role: 'user', content: 'first question' },
    ];
    await client.chat.completions.create({ model: MODEL, messages: opening });
    const second = await client.chat.completions.create({
      model: MODEL,
      messages: [...opening, { role: 'assistant', content: 'echo: first question' }, { role: 'user', content: 'next' }],
    });
    expect(second.usage?.prompt_tokens_details?.cached_tokens).toBeGreaterThan(0);
  });

  it('streams chunks: role first, content deltas, finish_reason, usage, [DONE]', async () => {
    const response = await postJson(stack, '/v1/chat/completions', {
      model: MODEL,
      messages: [{ role: 'user', content: 'stream please' }],
      stream: true,
      stream_options: { include_usage: true },
    });
    expect(response.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    expect(response.headers.get('x-accel-buffering')).toBe('no');
    const frames = parseSseText(await response.text());
    expect(frames[frames.length - 1]?.data).toBe('[DONE]');
    const chunks = dataObjects(frames) as unknown as OpenAI.Chat.ChatCompletionChunk[];
    expect(chunks[0]?.choices[0]?.delta).toEqual({ role: 'assistant', content: '', refusal: null });
    expect(
      chunks.every((c) => c.object === 'chat.completion.chunk' && c.model === MODEL && c.id === chunks[0]?.id),
    ).toBe(true);
    const text = chunks.map((c) => c.choices[0]?.delta.content ?? '').join('');
    expect(text).toBe('echo: stream please');
    const finish = chunks.find((c) => c.choices[0]?.finish_reason);
    expect(finish?.choices[0]?.finish_reason).toBe('stop');
    const usage = chunks[chunks.length - 1];
    expect(usage?.choices).toEqual([]);
    expect(usage?.usage?.total_tokens).toBeGreaterThan(0);
  });

  it('round-trips a tool call, streamed then answered', async () => {
    const stream = await client.chat.completions.create({
      model: MODEL,
      messages: [{ role: 'user', content: 'call get_weather with {"city":"Oslo"}' }],
      tools: [weatherTool],
      stream: true,
    });
    let id = '';
    let name = '';
    let args = '';
    let finish: string | null | undefined;
    for await (const chunk of stream) {
      const call = chunk.choices[0]?.delta.tool_calls?.[0];
      if (call?.id) id = call.id;
      if (call?.function?.name) name = call.function.name;
      args += call?.function?.arguments ?? '';
      finish = chunk.choices[0]?.finish_reason ?? finish;
    }
    expect([name, args, finish]).toEqual(['get_weather', '{"city":"Oslo"}', 'tool_calls']);
    const answer = await client.chat.completions.create({
      model: MODEL,
      tools: [weatherTool],
      messages: [
        { role: 'user', content: 'call get_weather with {"city":"Oslo"}' },
        {
          role: 'assistant',
          content: null,
          tool_calls: [{ id, type: 'function', function: { name, arguments: args } }],
        },
        { role: 'tool', tool_call_id: id, content: 'snow, -3C' },
      ],
    });
    expect(answer.choices[0]?.message.content).toBe('tool said: snow, -3C');
  });

  it('returns tool calls in a non-streaming reply with finish_reason tool_calls', async () => {
    const completion = await client.chat.completions.create({
      model: MODEL,
      messages: [{ role: 'user', content: 'call get_weather with {"city":"Rome"}' }],
      tools: [weatherTool],
    });
    const choice = completion.choices[0];
    expect(choice?.finish_reason).toBe('tool_calls');
    expect(choice?.message.content).toBeNull();
    expect(choice?.message.tool_calls?.[0]).toEqual(
      expect.objectContaining({ type: 'function', function: { name: 'get_weather', arguments: '{"city":"Rome"}' } }),
    );
  });

  it('accepts image_url parts', async () => {
    const completion = await client.chat.completions.create({
      model: MODEL,
      messages: [
        {
          role: 'user',
          content: [
            { type: 'text', text: 'describe' },
            { type: 'image_url', image_url: { url: TINY_PNG } },
          ],
        },
      ],
    });
    expect(completion.choices[0]?.message.content).toMatch(/^echo: describe \[image: data \d+ bytes\]$/);
  });

  it('maps response_format json_schema to structured output', async () => {
    const completion = await client.chat.completions.create({
      model: MODEL,
      messages: [{ role: 'user', content: 'json please' }],
      response_format: {
        type: 'json_schema',
        json_schema: {
          name: 'echo',
          strict: true,
          schema: { type: 'object', properties: { echo: { type: 'string' } } },
        },
      },
    });
    expect(JSON.parse(completion.choices[0]?.message.content ?? '')).toEqual({ echo: 'json please' });
  });

  it('keeps reasoning out of chat chunks but counts its tokens', async () => {
    const response = await postJson(stack, '/chat/completions', {
      model: MODEL,
      messages: [{ role: 'user', content: 'reason about it' }],
      reasoning_effort: 'high',
      stream: true,
      stream_options: { include_usage: true },
    });
    const text = await response.text();
    expect(text).not.toContain('Considering');
    const chunks = dataObjects(parseSseText(text)) as unknown as OpenAI.Chat.ChatCompletionChunk[];
    expect(chunks.map((c) => c.choices[0]?.delta.content ?? '').join('')).toBe('echo: reason about it');
    expect(chunks[chunks.length - 1]?.usage?.completion_tokens_details?.reasoning_tokens).toBeGreaterThan(0);
    const trace = await traceOf(stack, response.headers.get('x-request-id'));
    expect(trace.route).toBe('/v1/chat/completions');
    expect(trace.tokensReasoning).toBeGreaterThan(0);
  });
});
