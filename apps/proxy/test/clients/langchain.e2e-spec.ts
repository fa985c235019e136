import { AIMessageChunk, type BaseMessage } from '@langchain/core/messages';
import { ChatOpenAI } from '@langchain/openai';
import type { Stack } from '../helpers/stack';
import { MODEL, startClientStack } from './client-stack';

const WEATHER = {
  type: 'function' as const,
  function: {
    name: 'get_weather',
    description: 'Weather for a city',
    parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
  },
};

/** LangChain JS's ChatOpenAI over Chat Completions and over the Responses API (`useResponsesApi`). */
describe('LangChain JS (@langchain/openai ChatOpenAI) through the gateway', () => {
  let stack: Stack;

  beforeAll(async () => {
    stack = await startClientStack();
  });

  afterAll(async () => {
    await stack?.close();
  });

  function chat(useResponsesApi: boolean): ChatOpenAI {
    return new ChatOpenAI({
      model: MODEL,
      apiKey: 'sk-test',
      configuration: { baseURL: `${stack.baseUrl}/v1` },
      maxRetries: 0,
      useResponsesApi,
      streamUsage: true,
    });
  }

  async function streamed(model: ChatOpenAI | ReturnType<ChatOpenAI['bindTools']>, input: string) {
    const pieces: string[] = [];
    let whole: AIMessageChunk | undefined;
    for await (const chunk of await model.stream(input)) {
      if (typeof chunk.content === 'string' && chunk.content !== '') pieces.push(chunk.content);
      else if (Array.isArray(chunk.content)) {
        for (const part of chunk.content)
          if (part.type === 'text' && 'text' in part && part.text) pieces.push(String(part.text));
      }
      whole = whole ? whole.concat(chunk) : chunk;
    }
    return { pieces, whole: whole! };
  }

  describe.each([
    ['Chat Completions', false],
    ['the Responses API', true],
  ])('over %s', (_api, useResponsesApi) => {
    it('invoke: the text and the usage', async () => {
      const reply: BaseMessage = await chat(useResponsesApi).invoke('hello langchain');
      expect(reply.text).toBe('echo: hello langchain');
      expect((reply as AIMessageChunk).usage_metadata?.input_tokens).toBeGreaterThan(0);
    });

    it('stream: incremental chunks that add up to the text, with usage', async () => {
      const { pieces, whole } = await streamed(chat(useResponsesApi), 'long 4');
      expect(pieces).toEqual(['t1 ', 't2 ', 't3 ', 't4 ']);
      expect(whole.text).toBe('t1 t2 t3 t4 ');
      expect(whole.usage_metadata?.output_tokens).toBeGreaterThan(0);
    });

    it('bindTools + invoke: the tool call with its name and parsed arguments', async () => {
      const reply = await chat(useResponsesApi).bindTools([WEATHER]).invoke('call get_weather with {"city":"Paris"}');
      expect(reply.tool_calls).toEqual([
        expect.objectContaining({ name: 'get_weather', args: { city: 'Paris' }, id: expect.any(String) }),
      ]);
    });

    it('bindTools + stream: the tool call assembled from the chunks', async () => {
      const { whole } = await streamed(
        chat(useResponsesApi).bindTools([WEATHER]),
        'call get_weather with {"city":"Oslo"}',
      );
      expect(whole.tool_calls).toEqual([expect.objectContaining({ name: 'get_weather', args: { city: 'Oslo' } })]);
      expect(whole.text).toBe('');
    });

    it('a tool round trip: the answer uses the tool output', async () => {
      const model = chat(useResponsesApi).bindTools([WEATHER]);
      const call = await model.invoke('call get_weather with {"city":"Rome"}');
      const answer = await model.invoke([
        { role: 'user', content: 'call get_weather with {"city":"Rome"}' },
        call,
        { role: 'tool', content: 'sunny', tool_call_id: call.tool_calls![0]!.id! },
      ]);
      expect(answer.text).toBe('tool said: sunny');
    });
  });

  it('stream over the Responses API: the final metadata holds the output items of response.completed', async () => {
    const { whole } = await streamed(chat(true), 'metadata please');
    const output = whole.response_metadata['output'] as Array<{ type: string; id: string }> | undefined;
    expect(output?.map((item) => item.type)).toEqual(['message']);
    expect(output?.[0]?.id).toMatch(/^msg_/);
  });
});
