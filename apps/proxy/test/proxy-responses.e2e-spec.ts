import type OpenAI from 'openai';
import { TINY_PNG, openai, postJson, traceOf } from './helpers/client';
import { parseSseText } from './helpers/sse';
import { startStack, type Stack } from './helpers/stack';

const MODEL = 'gpt-5.3-codex';

describe('POST /v1/responses and /v1/responses/compact (native Responses API)', () => {
  let stack: Stack;
  let client: OpenAI;

  beforeAll(async () => {
    // A codex.rate_limits event in every stream, so the test can see it is never relayed.
    stack = await startStack({ accounts: 1, fake: { rateLimitsEventEvery: 1 } });
    client = openai(stack);
  });

  afterAll(async () => {
    await stack.close();
  });

  it('answers a non-streaming request with the aggregated response object', async () => {
    const { data, response } = await client.responses.create({ model: MODEL, input: 'hello there' }).withResponse();
    expect(data.object).toBe('response');
    expect(data.status).toBe('completed');
    expect(data.output_text).toBe('echo: hello there');
    expect(data.usage?.input_tokens).toBeGreaterThan(0);
    expect(response.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    expect(Number(response.headers.get('x-proxy-overhead-ms'))).toBeGreaterThanOrEqual(0);
    const trace = await traceOf(stack, response.headers.get('x-request-id'));
    expect(trace).toEqual(
      expect.objectContaining({
        route: '/v1/responses',
        status: 200,
        stream: false,
        model: MODEL,
        finishReason: 'stop',
      }),
    );
    expect(trace.tokensTotal).toBeGreaterThan(0);
    expect(trace.attempts).toEqual([
      expect.objectContaining({ accountId: stack.accounts[0]?.id, class: 'ok', status: 200 }),
    ]);
  });

  it('streams upstream events verbatim, lifecycle first, without codex.rate_limits', async () => {
    const stream = await client.responses.create({ model: MODEL, input: 'stream me', stream: true });
    const types: string[] = [];
    let text = '';
    for await (const event of stream) {
      types.push(event.type);
      if (event.type === 'response.output_text.delta') text += event.delta;
    }
    expect(text).toBe('echo: stream me');
    expect(types.slice(0, 3)).toEqual(['response.created', 'response.in_progress', 'response.output_item.added']);
    expect(types[types.length - 1]).toBe('response.completed');
    expect(types).not.toContain('codex.rate_limits');
  });

  it('relays reasoning events to native clients', async () => {
    const stream = await client.responses.create({
      model: MODEL,
      input: 'think first',
      reasoning: { effort: 'high', summary: 'auto' },
      stream: true,
    });
    const types: string[] = [];
    let summary = '';
    let completed: OpenAI.Responses.Response | undefined;
    for await (const event of stream) {
      types.push(event.type);
      if (event.type === 'response.reasoning_summary_text.delta') summary += event.delta;
      if (event.type === 'response.completed') completed = event.response;
    }
    expect(summary).toContain('Considering: think first');
    expect(types).toContain('response.reasoning_summary_part.added');
    expect(completed?.usage?.output_tokens_details.reasoning_tokens).toBeGreaterThan(0);
    expect(completed?.output.some((item) => item.type === 'reasoning')).toBe(true);
  });

  it('round-trips a function call', async () => {
    const tools: OpenAI.Responses.Tool[] = [
      {
        type: 'function',
        name: 'get_weather',
        parameters: { type: 'object', properties: { city: { type: 'string' } } },
        strict: false,
      },
    ];
    const first = await client.responses.create({
      model: MODEL,
      input: 'call get_weather with {"city":"Paris"}',
      tools,
    });
    const call = first.output.find((item) => item.type === 'function_call');
    expect(call).toEqual(expect.objectContaining({ name: 'get_weather', arguments: '{"city":"Paris"}' }));
    if (call?.type !== 'function_call') throw new Error('no function call');
    const second = await client.responses.create({
      model: MODEL,
      tools,
      input: [
        { role: 'user', content: 'call get_weather with {"city":"Paris"}' },
        { type: 'function_call', call_id: call.call_id, name: call.name, arguments: call.arguments },
        { type: 'function_call_output', call_id: call.call_id, output: 'sunny, 22C' },
      ],
    });
    expect(second.output_text).toBe('tool said: sunny, 22C');
  });

  it('passes custom (freeform) tools through and streams the custom tool call', async () => {
    const stream = await client.responses.create({
      model: MODEL,
      input: 'patch *** Begin Patch',
      tools: [{ type: 'custom', name: 'apply_patch', description: 'Apply a patch' }],
      stream: true,
    });
    let input = '';
    let done: OpenAI.Responses.ResponseOutputItem | undefined;
    for await (const event of stream) {
      if (event.type === 'response.custom_tool_call_input.delta') input += event.delta;
      if (event.type === 'response.output_item.done') done = event.item;
    }
    expect(input).toBe('*** Begin Patch');
    expect(done).toEqual(
      expect.objectContaining({ type: 'custom_tool_call', name: 'apply_patch', input: '*** Begin Patch' }),
    );
  });

  it('accepts images, and keeps only a summary of the data URL in the trace', async () => {
    const { data: response, response: raw } = await client.responses
      .create({
        model: MODEL,
        input: [
          {
            role: 'user',
            content: [
              { type: 'input_text', text: 'what is this?' },
              { type: 'input_image', image_url: TINY_PNG, detail: 'auto' },
            ],
          },
        ],
      })
      .withResponse();
    expect(response.output_text).toMatch(/^echo: what is this\? \[image: data \d+ bytes\]$/);
    const trace = await traceOf(stack, raw.headers.get('x-request-id'));
    const stored = JSON.stringify(trace.requestBody);
    expect(stored).toMatch(/<data:image\/png;base64, \d+ bytes>/);
    expect(stored).not.toContain(TINY_PNG.slice(30));
  });

  it('returns JSON for a json_schema text format', async () => {
    const response = await client.responses.create({
      model: MODEL,
      input: 'give me json',
      text: {
        format: {
          type: 'json_schema',
          name: 'echo',
          strict: true,
          schema: {
            type: 'object',
            properties: { echo: { type: 'string' } },
            required: ['echo'],
            additionalProperties: false,
          },
        },
      },
    });
    expect(JSON.parse(response.output_text)).toEqual({ echo: 'give me json' });
  });

  it('sends the Codex identity and the account credentials upstream, never the client key', async () => {
    await postJson(
      stack,
      '/v1/responses',
      { model: MODEL, input: 'who am i', prompt_cache_key: 'conv-7' },
      { cookie: 'a=b' },
    );
    const account = stack.accounts[0];
    const last = stack.fake.counters().lastRequest[account?.fakeId ?? ''];
    expect(last?.headers).toEqual(
      expect.objectContaining({
        originator: 'codex_cli_rs',
        version: stack.config.modelsClientVersion,
        'user-agent': `codex_cli_rs/${stack.config.modelsClientVersion}`,
        'openai-beta': 'responses=experimental',
        accept: 'text/event-stream',
        session_id: 'conv-7',
      }),
    );
    expect(last?.headers['authorization']).not.toBe('Bearer x');
    expect(last?.headers['cookie']).toBeUndefined();
    expect(last?.body).toEqual(expect.objectContaining({ store: false, stream: true, prompt_cache_key: 'conv-7' }));
  });

  it('sends a large request upstream with the client text of what normalisation left alone', async () => {
    // A Codex-CLI-sized turn, pretty-printed and with escapes JSON.stringify would spell otherwise.
    const instructions = `You are Codex. ${'Follow the repository conventions.\n'.repeat(200)}`;
    const body = {
      model: MODEL,
      instructions,
      input: [
        { type: 'message', role: 'user', content: [{ type: 'input_text', text: 'first turn' }] },
        { type: 'message', role: 'assistant', content: [{ type: 'input_text', text: 'an answer' }] },
        { type: 'message', role: 'user', content: [{ type: 'input_text', text: 'second turn' }] },
      ],
      tools: [{ type: 'function', name: 'shell', parameters: { type: 'object', properties: {} } }],
      temperature: 0.3,
    };
    const text = JSON.stringify(body, null, 1).replace('You are Codex.', 'You are \\u0043odex.');
    const response = await fetch(`${stack.baseUrl}/v1/responses`, {
      method: 'POST',
      headers: { authorization: 'Bearer x', 'content-type': 'application/json' },
      body: text,
    });
    expect(response.status).toBe(200);
    await response.text();

    const last = stack.fake.counters().lastRequest[stack.accounts[0]?.fakeId ?? ''];
    // The same request as before: normalised (assistant input_text rewritten, temperature stripped, flags set).
    expect(last?.body).toEqual({
      model: MODEL,
      instructions,
      input: [
        body.input[0],
        { type: 'message', role: 'assistant', content: [{ type: 'output_text', text: 'an answer' }] },
        body.input[2],
      ],
      tools: body.tools,
      tool_choice: 'auto',
      parallel_tool_calls: true,
      include: ['reasoning.encrypted_content'],
      store: false,
      stream: true,
    });
    // ...written with the client's own text for the values it did not change.
    expect(last?.text).toContain('"You are \\u0043odex.');
    expect(last?.text).toContain('{\n   "type": "message",\n   "role": "user"');
  });

  it('serves the root alias for clients whose base URL has no /v1, traced as /v1/responses', async () => {
    const response = await postJson(stack, '/responses', { model: MODEL, input: 'root', stream: true });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    expect(response.headers.get('cache-control')).toBe('no-cache');
    const frames = parseSseText(await response.text());
    expect(frames.some((f) => f.data === '[DONE]')).toBe(false);
    expect(frames[frames.length - 1]?.event).toBe('response.completed');
    const trace = await traceOf(stack, response.headers.get('x-request-id'));
    expect([trace.route, trace.stream]).toEqual(['/v1/responses', true]);
  });

  it('passes a compact reply through as JSON', async () => {
    const response = await postJson(stack, '/v1/responses/compact', {
      model: MODEL,
      input: [{ role: 'user', content: [{ type: 'input_text', text: 'summarise us' }] }],
    });
    expect(response.status).toBe(200);
    const body = (await response.json()) as { output: Array<{ content: Array<{ text: string }> }> };
    expect(body.output[body.output.length - 1]?.content[0]?.text).toContain('Last request: summarise us');
    const trace = await traceOf(stack, response.headers.get('x-request-id'));
    expect([trace.route, trace.status]).toEqual(['/v1/responses/compact', 200]);
  });
});
