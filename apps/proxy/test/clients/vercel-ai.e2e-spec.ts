import { createOpenAI } from '@ai-sdk/openai';
import { generateObject, generateText, stepCountIs, streamText, tool, type LanguageModel } from 'ai';
import { z } from 'zod';
import type { Stack } from '../helpers/stack';
import { MODEL, startClientStack } from './client-stack';

/** The Vercel AI SDK (`ai` + `@ai-sdk/openai`) with its Responses provider and its Chat Completions provider. */
describe('Vercel AI SDK through the gateway', () => {
  let stack: Stack;
  let provider: ReturnType<typeof createOpenAI>;
  const calls: string[] = [];

  const tools = {
    get_weather: tool({
      description: 'Weather for a city',
      inputSchema: z.object({ city: z.string() }),
      execute: async ({ city }) => {
        calls.push(city);
        return `sunny in ${city}`;
      },
    }),
  };

  beforeAll(async () => {
    stack = await startClientStack();
    provider = createOpenAI({ baseURL: `${stack.baseUrl}/v1`, apiKey: 'sk-test' });
  });

  afterAll(async () => {
    await stack?.close();
  });

  beforeEach(() => {
    calls.length = 0;
  });

  /**
   * The Responses provider defaults to `store: true` and then sends earlier turns as `item_reference`s; upstream
   * stores nothing (PROTOCOL.md §2.2), so the gateway expands them from the items it served (the last test).
   */
  const noStore = { openai: { store: false } };
  const providers: Array<[string, () => LanguageModel, typeof noStore | undefined]> = [
    ['responses', () => provider.responses(MODEL), noStore],
    ['responses (default store:true)', () => provider.responses(MODEL), undefined],
    ['chat', () => provider.chat(MODEL), undefined],
  ];

  describe.each(providers)('the %s provider', (_name, model, providerOptions) => {
    it('generateText: the text, finish reason and usage', async () => {
      const result = await generateText({ model: model(), prompt: 'hello ai sdk', maxRetries: 0 });
      expect(result.text).toBe('echo: hello ai sdk');
      expect(result.finishReason).toBe('stop');
      expect(result.usage.inputTokens).toBeGreaterThan(0);
      expect(result.usage.outputTokens).toBeGreaterThan(0);
    });

    it('generateText with a tool and stopWhen: the tool runs, the next step answers with its output', async () => {
      const result = await generateText({
        model: model(),
        prompt: 'call get_weather with {"city":"Paris"}',
        tools,
        providerOptions,
        stopWhen: stepCountIs(3),
        maxRetries: 0,
      });
      expect(calls).toEqual(['Paris']);
      expect(result.steps.map((step) => step.finishReason)).toEqual(['tool-calls', 'stop']);
      expect(result.steps[0]?.toolCalls.map((c) => [c.toolName, c.input])).toEqual([
        ['get_weather', { city: 'Paris' }],
      ]);
      expect(result.text).toBe('tool said: sunny in Paris');
    });

    it('streamText: incremental text parts, no empty text part, the final text and usage', async () => {
      const result = streamText({ model: model(), prompt: 'long 4', maxRetries: 0 });
      const parts: string[] = [];
      for await (const part of result.textStream) parts.push(part);
      expect(parts).toEqual(['t1 ', 't2 ', 't3 ', 't4 ']);
      expect(await result.text).toBe('t1 t2 t3 t4 ');
      expect((await result.totalUsage).outputTokens).toBeGreaterThan(0);
    });

    it('streamText with a tool and stopWhen: tool call and result parts, then the answer', async () => {
      const result = streamText({
        model: model(),
        prompt: 'call get_weather with {"city":"Oslo"}',
        tools,
        providerOptions,
        stopWhen: stepCountIs(3),
        maxRetries: 0,
      });
      const kinds: string[] = [];
      for await (const part of result.fullStream) {
        if (part.type === 'tool-call' || part.type === 'tool-result') kinds.push(`${part.type}:${part.toolName}`);
        // A tool-call reply must not open an empty text part (a chunk with content "" would).
        if (part.type === 'text-delta') expect(part.text).not.toBe('');
      }
      expect(kinds).toEqual(['tool-call:get_weather', 'tool-result:get_weather']);
      expect(await result.text).toBe('tool said: sunny in Oslo');
      const steps = await result.steps;
      expect(steps[0]?.content.filter((c) => c.type === 'text')).toEqual([]);
      expect(calls).toEqual(['Oslo']);
    });

    it('generateObject: the object the schema describes', async () => {
      const { object } = await generateObject({
        model: model(),
        schema: z.object({ echo: z.string() }),
        prompt: 'structured please',
        maxRetries: 0,
      });
      expect(object).toEqual({ echo: 'structured please' });
    });
  });

  it('the responses provider sees the streamed items in the final response.completed event', async () => {
    const result = streamText({
      model: provider.responses(MODEL),
      prompt: 'raw look',
      includeRawChunks: true,
      maxRetries: 0,
    });
    let completed: { response: { output: Array<{ id: string; type: string }> } } | undefined;
    for await (const part of result.fullStream) {
      const raw = part.type === 'raw' ? (part.rawValue as { type?: string }) : undefined;
      if (raw?.type === 'response.completed') completed = raw as typeof completed;
    }
    expect(completed?.response.output.map((item) => item.type)).toEqual(['message']);
    expect(await result.text).toBe('echo: raw look');
  });

  it('the responses provider with its default store:true: item_references are expanded, the tool run succeeds', async () => {
    const result = await generateText({
      model: provider.responses(MODEL),
      prompt: 'call get_weather with {"city":"Rome"}',
      tools,
      stopWhen: stepCountIs(3),
      maxRetries: 0,
    });
    expect(calls).toEqual(['Rome']);
    expect(result.text).toBe('tool said: sunny in Rome');
    // The second upstream request carried the full function_call, not the reference the client sent.
    const last = Object.values(stack.fake.counters().lastRequest)[0];
    const input = (last?.body as { input: Array<Record<string, unknown>> }).input;
    expect(input.some((item) => item['type'] === 'item_reference')).toBe(false);
    expect(input).toContainEqual(
      expect.objectContaining({ type: 'function_call', name: 'get_weather', arguments: '{"city":"Rome"}' }),
    );
  });
});
