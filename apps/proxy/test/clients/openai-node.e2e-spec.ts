import OpenAI from 'openai';
import { traceOf } from '../helpers/client';
import type { Stack } from '../helpers/stack';
import { MODEL, startClientStack } from './client-stack';

const WEATHER_TOOL = {
  type: 'function' as const,
  function: {
    name: 'get_weather',
    description: 'Weather for a city',
    parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
  },
};

const RESPONSES_WEATHER_TOOL = {
  type: 'function' as const,
  name: 'get_weather',
  description: 'Weather for a city',
  parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
  strict: false,
};

describe('openai-node (the pinned `openai` package) through the gateway', () => {
  let stack: Stack;
  let client: OpenAI;

  beforeAll(async () => {
    stack = await startClientStack();
    client = new OpenAI({ baseURL: `${stack.baseUrl}/v1`, apiKey: 'sk-test', maxRetries: 0 });
  });

  afterAll(async () => {
    await stack?.close();
  });

  describe('chat completions', () => {
    it('create(): the text, finish_reason stop and usage', async () => {
      const reply = await client.chat.completions.create({
        model: MODEL,
        messages: [{ role: 'user', content: 'hello node' }],
      });
      expect(reply.choices[0]?.message).toMatchObject({ role: 'assistant', content: 'echo: hello node' });
      expect(reply.choices[0]?.finish_reason).toBe('stop');
      expect(reply.usage?.prompt_tokens).toBeGreaterThan(0);
      expect(reply.usage?.total_tokens).toBe((reply.usage?.prompt_tokens ?? 0) + (reply.usage?.completion_tokens ?? 0));
    });

    it('create() with a tool: content null, the call with its name and arguments, finish_reason tool_calls', async () => {
      const reply = await client.chat.completions.create({
        model: MODEL,
        messages: [{ role: 'user', content: 'call get_weather with {"city":"Paris"}' }],
        tools: [WEATHER_TOOL],
      });
      const choice = reply.choices[0]!;
      expect(choice.finish_reason).toBe('tool_calls');
      expect(choice.message.content).toBeNull();
      expect(choice.message.tool_calls).toEqual([
        {
          id: expect.stringMatching(/^call_/),
          type: 'function',
          function: { name: 'get_weather', arguments: '{"city":"Paris"}' },
        },
      ]);
    });

    it('stream(): incremental content deltas, one id and created, usage chunk, finalChatCompletion()', async () => {
      const stream = client.chat.completions.stream({
        model: MODEL,
        messages: [{ role: 'user', content: 'long 5' }],
        stream_options: { include_usage: true },
      });
      const deltas: string[] = [];
      const chunks: OpenAI.Chat.ChatCompletionChunk[] = [];
      stream.on('content', (delta) => deltas.push(delta));
      stream.on('chunk', (chunk) => chunks.push(chunk));
      const final = await stream.finalChatCompletion();
      expect(deltas).toEqual(['t1 ', 't2 ', 't3 ', 't4 ', 't5 ']);
      expect(final.choices[0]?.message.content).toBe('t1 t2 t3 t4 t5 ');
      expect(final.choices[0]?.finish_reason).toBe('stop');
      expect(new Set(chunks.map((c) => c.id)).size).toBe(1);
      expect(new Set(chunks.map((c) => c.created)).size).toBe(1);
      expect(chunks.at(-1)?.choices).toEqual([]);
      expect(final.usage?.completion_tokens).toBeGreaterThan(0);
    });

    it('stream() with a tool: the call assembled, content null, finish_reason tool_calls', async () => {
      const stream = client.chat.completions.stream({
        model: MODEL,
        messages: [{ role: 'user', content: 'call get_weather with {"city":"Oslo"}' }],
        tools: [WEATHER_TOOL],
      });
      const chunks: OpenAI.Chat.ChatCompletionChunk[] = [];
      stream.on('chunk', (chunk) => chunks.push(chunk));
      const final = await stream.finalChatCompletion();
      expect(chunks[0]?.choices[0]?.delta).toMatchObject({ role: 'assistant', content: null });
      expect(chunks.some((c) => c.choices[0]?.delta.content === '')).toBe(false);
      expect(final.choices[0]?.finish_reason).toBe('tool_calls');
      expect(final.choices[0]?.message.content).toBeNull();
      expect(final.choices[0]?.message.tool_calls?.[0]?.function).toEqual({
        name: 'get_weather',
        arguments: '{"city":"Oslo"}',
      });
    });

    it('a tool round trip: the answer uses the tool output', async () => {
      const reply = await client.chat.completions.create({
        model: MODEL,
        messages: [
          { role: 'user', content: 'call get_weather with {"city":"Oslo"}' },
          {
            role: 'assistant',
            content: null,
            tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'get_weather', arguments: '{}' } }],
          },
          { role: 'tool', tool_call_id: 'call_1', content: 'sunny' },
        ],
        tools: [WEATHER_TOOL],
      });
      expect(reply.choices[0]?.message.content).toBe('tool said: sunny');
    });

    it('typed errors: logprobs is a BadRequestError naming the parameter, an unknown model a NotFoundError', async () => {
      const logprobs = client.chat.completions.create({
        model: MODEL,
        messages: [{ role: 'user', content: 'hi' }],
        logprobs: true,
      });
      await expect(logprobs).rejects.toBeInstanceOf(OpenAI.BadRequestError);
      await expect(logprobs).rejects.toMatchObject({ status: 400, param: 'logprobs', type: 'invalid_request_error' });
      const unknown = client.chat.completions.create({
        model: 'no-such-model',
        messages: [{ role: 'user', content: 'x' }],
      });
      await expect(unknown).rejects.toBeInstanceOf(OpenAI.NotFoundError);
      await expect(unknown).rejects.toMatchObject({ code: 'model_not_found' });
    });
  });

  describe('responses', () => {
    it('create(): output_text, the output items and usage', async () => {
      const response = await client.responses.create({ model: MODEL, input: 'hello responses' });
      expect(response.output_text).toBe('echo: hello responses');
      expect(response.status).toBe('completed');
      expect(response.output).toEqual([
        expect.objectContaining({ type: 'message', id: expect.stringMatching(/^msg_/) }),
      ]);
      expect(response.usage?.input_tokens).toBeGreaterThan(0);
    });

    it('create({stream: true}): the response.completed event carries the streamed items', async () => {
      const stream = await client.responses.create({ model: MODEL, input: 'raw stream', stream: true });
      const added: string[] = [];
      let completed: OpenAI.Responses.Response | undefined;
      for await (const event of stream) {
        if (event.type === 'response.output_item.added') added.push(event.item.id ?? '');
        if (event.type === 'response.completed') completed = event.response;
      }
      expect(completed?.output.map((item) => item.id)).toEqual(added);
      expect(completed?.usage?.output_tokens).toBeGreaterThan(0);
    });

    it('stream(): incremental deltas and finalResponse() with output_text, items and usage', async () => {
      const stream = client.responses.stream({ model: MODEL, input: 'long 4' });
      const deltas: string[] = [];
      stream.on('response.output_text.delta', (event) => deltas.push(event.delta));
      const final = await stream.finalResponse();
      expect(deltas).toEqual(['t1 ', 't2 ', 't3 ', 't4 ']);
      expect(final.output_text).toBe('t1 t2 t3 t4 ');
      expect(final.output).toHaveLength(1);
      expect(final.usage?.total_tokens).toBeGreaterThan(0);
    });

    it('stream() with a function tool: finalResponse() holds the call with its name and arguments', async () => {
      const stream = client.responses.stream({
        model: MODEL,
        input: 'call get_weather with {"city":"Rome"}',
        tools: [RESPONSES_WEATHER_TOOL],
      });
      const final = await stream.finalResponse();
      const call = final.output.find((item) => item.type === 'function_call');
      expect(call).toMatchObject({ name: 'get_weather', arguments: '{"city":"Rome"}', call_id: expect.any(String) });
    });

    it('an item_reference to an item the gateway served is expanded: the tool result is answered', async () => {
      const first = await client.responses.create({
        model: MODEL,
        input: 'call get_weather with {"city":"Lima"}',
        tools: [RESPONSES_WEATHER_TOOL],
      });
      const call = first.output.find((item) => item.type === 'function_call');
      expect(call?.id).toMatch(/^fc_/);
      const { data: second, response } = await client.responses
        .create({
          model: MODEL,
          tools: [RESPONSES_WEATHER_TOOL],
          input: [
            { role: 'user', content: 'call get_weather with {"city":"Lima"}' },
            { type: 'item_reference', id: call!.id! },
            { type: 'function_call_output', call_id: (call as { call_id: string }).call_id, output: 'mild in Lima' },
          ],
        })
        .withResponse();
      expect(second.output_text).toBe('tool said: mild in Lima');
      expect((await traceOf(stack, response.headers.get('x-request-id'))).expandedReferences).toBe(1);
    });

    it('an item_reference the gateway never served is a 400 naming the input index', async () => {
      const sent = client.responses.create({
        model: MODEL,
        input: [
          { role: 'user', content: 'hi' },
          { type: 'item_reference', id: 'fc_never_served_here' },
        ],
      });
      await expect(sent).rejects.toBeInstanceOf(OpenAI.BadRequestError);
      await expect(sent).rejects.toMatchObject({
        status: 400,
        param: 'input[1]',
        type: 'invalid_request_error',
        message: expect.stringMatching(/unknown to this gateway/),
      });
    });

    it('typed errors: an unknown model is a NotFoundError', async () => {
      await expect(client.responses.create({ model: 'no-such-model', input: 'x' })).rejects.toBeInstanceOf(
        OpenAI.NotFoundError,
      );
    });
  });
});
