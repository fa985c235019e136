import OpenAI from 'openai';
import {
  Agent,
  OpenAIChatCompletionsModel,
  OpenAIResponsesModel,
  run,
  setDefaultOpenAIClient,
  setTracingDisabled,
  tool,
  type Model,
} from '@openai/agents';
import { z } from 'zod';
import type { Stack } from '../helpers/stack';

type AgentsClient = Parameters<typeof setDefaultOpenAIClient>[0];
import { MODEL, startClientStack } from './client-stack';

/** The OpenAI Agents SDK: a function tool the model calls, the SDK runs, and whose output the answer uses. */
describe('OpenAI Agents SDK (@openai/agents) through the gateway', () => {
  let stack: Stack;
  /**
   * A user's own `openai` client. @openai/agents bundles another `openai` version whose class is a distinct type,
   * so it is passed through the type the SDK names (the runtime objects are compatible: these tests use them).
   */
  let client: AgentsClient;
  const calls: string[] = [];

  const weather = tool({
    name: 'get_weather',
    description: 'Weather for a city',
    parameters: z.object({ city: z.string() }),
    execute: async ({ city }) => {
      calls.push(city);
      return `sunny in ${city}`;
    },
  });

  function agent(model: Model): Agent {
    return new Agent({ name: 'Weather', instructions: 'Answer with the weather tool.', model, tools: [weather] });
  }

  const apis: Array<[string, () => Model]> = [
    ['Responses', () => new OpenAIResponsesModel(client, MODEL)],
    ['Chat Completions', () => new OpenAIChatCompletionsModel(client, MODEL)],
  ];

  beforeAll(async () => {
    stack = await startClientStack();
    client = new OpenAI({
      baseURL: `${stack.baseUrl}/v1`,
      apiKey: 'sk-test',
      maxRetries: 0,
    }) as unknown as AgentsClient;
    setDefaultOpenAIClient(client);
    setTracingDisabled(true);
  });

  afterAll(async () => {
    await stack?.close();
  });

  beforeEach(() => {
    calls.length = 0;
  });

  describe.each(apis)('over %s', (_api, model) => {
    it('run(): the model calls the tool, the SDK runs it, the final output uses its result', async () => {
      const result = await run(agent(model()), 'call get_weather with {"city":"Paris"}', { maxTurns: 3 });
      expect(calls).toEqual(['Paris']);
      expect(result.finalOutput).toBe('tool said: sunny in Paris');
    });

    it('streamed run: text deltas, tool call and output events, then the final output', async () => {
      const result = await run(agent(model()), 'call get_weather with {"city":"Oslo"}', { stream: true, maxTurns: 3 });
      const items: string[] = [];
      const deltas: string[] = [];
      for await (const event of result) {
        if (event.type === 'run_item_stream_event') items.push(event.name);
        if (event.type === 'raw_model_stream_event' && event.data.type === 'output_text_delta') {
          deltas.push(event.data.delta);
        }
      }
      await result.completed;
      expect(calls).toEqual(['Oslo']);
      expect(items).toEqual(expect.arrayContaining(['tool_called', 'tool_output', 'message_output_created']));
      expect(deltas.join('')).toBe('tool said: sunny in Oslo');
      expect(deltas.length).toBeGreaterThan(1);
      expect(result.finalOutput).toBe('tool said: sunny in Oslo');
    });

    it('a plain answer, with the usage the run adds up', async () => {
      const result = await run(agent(model()), 'hello agents');
      expect(result.finalOutput).toBe('echo: hello agents');
      expect(result.state.usage.totalTokens).toBeGreaterThan(0);
    });
  });
});
