import { join } from 'node:path';
import { describeWith, prerequisite } from '@mcp/testing';
import type { Stack } from '../helpers/stack';
import { runCli } from '../helpers/processes';
import { MODEL, resultOf, startClientStack } from './client-stack';

const SUITE = 'the openai-python client matrix';
const SCRIPT = join(__dirname, 'openai_python_client.py');

describeWith('python', SUITE)('openai-python (the pinned `openai` package) through the gateway', () => {
  let stack: Stack;
  const python = prerequisite('python', SUITE)!;

  beforeAll(async () => {
    stack = await startClientStack();
  });

  afterAll(async () => {
    await stack?.close();
  });

  async function scenario<T>(name: string): Promise<T> {
    const run = await runCli(python, [SCRIPT, name], {
      env: { ...process.env, BASE_URL: `${stack.baseUrl}/v1`, MODEL },
    });
    if (run.code !== 0) throw new Error(`${name} exited ${run.code}:\n${run.stderr}`);
    return resultOf<T>(run);
  }

  it('chat.completions.create: text, usage; a tool call with content None and finish_reason tool_calls', async () => {
    expect(await scenario('chat')).toEqual({
      text: 'echo: hello python',
      finish: 'stop',
      prompt_tokens: expect.any(Number),
      tool_content: null,
      tool_finish: 'tool_calls',
      tool_call: ['get_weather', '{"city":"Paris"}'],
    });
  });

  it('chat.completions.stream: content deltas, one id, get_final_completion() with usage and tool calls', async () => {
    expect(await scenario('chat_stream')).toEqual({
      deltas: ['t1 ', 't2 ', 't3 '],
      ids: 1,
      text: 't1 t2 t3 ',
      completion_tokens: expect.any(Number),
      tool_call: ['get_weather', '{"city":"Oslo"}'],
      tool_content: null,
      tool_finish: 'tool_calls',
    });
  });

  it('responses.create: output_text, items and usage', async () => {
    expect(await scenario('responses')).toEqual({
      text: 'echo: hello responses',
      items: 1,
      input_tokens: expect.any(Number),
    });
  });

  it('responses.stream: deltas, and get_final_response().output_text with the items and the tool call', async () => {
    expect(await scenario('responses_stream')).toEqual({
      deltas: ['t1 ', 't2 ', 't3 ', 't4 '],
      text: 't1 t2 t3 t4 ',
      items: ['message'],
      total_tokens: expect.any(Number),
      calls: [['get_weather', '{"city":"Rome"}']],
    });
  });

  it('typed errors: BadRequestError naming logprobs, NotFoundError model_not_found', async () => {
    expect(await scenario('errors')).toEqual({
      logprobs: [400, 'logprobs', 'unsupported_parameter'],
      unknown_model: [404, 'model_not_found'],
    });
  });
});
