import { Stream } from 'openai/core/streaming';
import { ChatCompletionStream } from 'openai/lib/ChatCompletionStream';
import { ChatStreamTranslator } from './chat-stream';
import * as S from './__fixtures__/responses-streams';

type Ev = Record<string, unknown>;
type Chunk = {
  id: string;
  object: string;
  created: number;
  model: string;
  system_fingerprint: null;
  usage?: unknown;
  choices: { index: number; delta: Ev; logprobs: null; finish_reason: string | null }[];
};

function translate(events: Ev[], includeUsage = false): { frames: string[]; translator: ChatStreamTranslator } {
  const translator = new ChatStreamTranslator('client-model', { includeUsage, id: 'chatcmpl-test' });
  const frames = events.flatMap((event) => translator.push(event));
  return { frames, translator };
}

function completeFrames(events: Ev[], includeUsage = false): string[] {
  const { frames, translator } = translate(events, includeUsage);
  return [...frames, ...translator.finish()];
}

function chunks(frames: string[]): Chunk[] {
  return frames.filter((f) => f !== 'data: [DONE]\n\n').map((f) => JSON.parse(f.slice('data: '.length)) as Chunk);
}

function deltas(frames: string[]): Ev[] {
  return chunks(frames).flatMap((c) => c.choices.map((choice) => choice.delta));
}

function text(frames: string[], field = 'content'): string {
  return deltas(frames)
    .map((d) => d[field])
    .filter((v): v is string => typeof v === 'string')
    .join('');
}

/** Reassembles tool calls the way Chat clients do: by `index`. */
function toolCalls(frames: string[]): { id?: string; type?: string; name?: string; args: string }[] {
  const calls: { id?: string; type?: string; name?: string; args: string }[] = [];
  for (const delta of deltas(frames)) {
    for (const call of (delta['tool_calls'] as Ev[] | undefined) ?? []) {
      const slot = (calls[call['index'] as number] ??= { args: '' });
      const fn = (call['function'] ?? call['custom']) as Ev | undefined;
      if (call['id']) Object.assign(slot, { id: call['id'], type: call['type'], name: fn?.['name'] });
      slot.args += (fn?.['arguments'] ?? fn?.['input'] ?? '') as string;
    }
  }
  return calls;
}

async function throughOpenAiSdk(frames: string[]) {
  const response = new Response(frames.join(''), { headers: { 'content-type': 'text/event-stream' } });
  const stream = Stream.fromSSEResponse(response, new AbortController());
  return ChatCompletionStream.fromReadableStream(stream.toReadableStream()).finalChatCompletion();
}

describe('ChatStreamTranslator (§5.6)', () => {
  it('streams text: role chunk at commit, one chunk per delta, finish chunk, [DONE]', () => {
    const frames = completeFrames(S.TEXT);
    expect(frames.at(-1)).toBe('data: [DONE]\n\n');
    expect(deltas(frames)).toEqual([
      { role: 'assistant', content: '', refusal: null },
      { content: 'Hel' },
      { content: 'lo' },
      { content: ' world' },
      {},
    ]);
    const all = chunks(frames);
    expect(all.at(-1)?.choices[0]?.finish_reason).toBe('stop');
    for (const chunk of all) {
      expect(chunk).toMatchObject({
        id: 'chatcmpl-test',
        object: 'chat.completion.chunk',
        created: 1767200000,
        model: 'client-model',
        system_fingerprint: null,
      });
      expect(chunk).not.toHaveProperty('usage');
      expect(chunk.choices[0]).toMatchObject({ index: 0, logprobs: null });
    }
  });

  it('works event by event: a delta comes out as soon as it is pushed, nothing before the commit point', () => {
    const translator = new ChatStreamTranslator('m');
    expect(translator.push(S.TEXT[0])).toEqual([]);
    expect(translator.push(S.TEXT[1])).toEqual([]);
    expect(translator.push(S.TEXT[2])).toEqual([]);
    expect(deltas(translator.push(S.TEXT[3]!))).toEqual([{ role: 'assistant', content: '', refusal: null }]);
    translator.push(S.TEXT[4]);
    expect(deltas(translator.push(S.TEXT[5]!))).toEqual([{ content: 'Hel' }]);
  });

  it('with include_usage: usage:null on every chunk, then a usage chunk with empty choices before [DONE]', () => {
    const frames = completeFrames(S.TEXT, true);
    const all = chunks(frames);
    const usageChunk = all.at(-1)!;
    expect(usageChunk.choices).toEqual([]);
    expect(usageChunk.usage).toEqual({
      prompt_tokens: 1200,
      completion_tokens: 300,
      total_tokens: 1500,
      prompt_tokens_details: { cached_tokens: 1024 },
      completion_tokens_details: { reasoning_tokens: 192 },
    });
    for (const chunk of all.slice(0, -1)) expect(chunk.usage).toBeNull();
    expect(frames.at(-1)).toBe('data: [DONE]\n\n');
  });

  it('streams a tool call: header with call id and name, argument deltas, finish_reason tool_calls', () => {
    const frames = completeFrames(S.TOOL_CALL);
    // As OpenAI sends it: the role comes with the first call and `content: null`, never "" (no empty text part).
    expect(deltas(frames).slice(0, 3)).toEqual([
      {
        role: 'assistant',
        content: null,
        refusal: null,
        tool_calls: [{ index: 0, id: 'call_abc', type: 'function', function: { name: 'get_weather', arguments: '' } }],
      },
      { tool_calls: [{ index: 0, function: { arguments: '{"city":' } }] },
      { tool_calls: [{ index: 0, function: { arguments: '"Paris"}' } }] },
    ]);
    expect(toolCalls(frames)).toEqual([
      { id: 'call_abc', type: 'function', name: 'get_weather', args: '{"city":"Paris"}' },
    ]);
    expect(chunks(frames).at(-1)?.choices[0]?.finish_reason).toBe('tool_calls');
  });

  it('numbers parallel calls 0, 1 in order of appearance (not output_index) and matches deltas by item_id', () => {
    const frames = completeFrames(S.PARALLEL_TOOLS);
    expect(deltas(frames).filter((d) => 'content' in d)).toEqual([
      expect.objectContaining({ role: 'assistant', content: null }),
    ]);
    expect(toolCalls(frames)).toEqual([
      { id: 'call_a', type: 'function', name: 'get_weather', args: '{"city":"Oslo"}' },
      { id: 'call_b', type: 'function', name: 'get_time', args: '{"tz":"UTC"}' },
    ]);
  });

  it('opens a call known only from the completed response with the role and content null', () => {
    const call = { type: 'function_call', id: 'fc_z', call_id: 'call_z', name: 'lookup', arguments: '{}' };
    const frames = completeFrames([
      { type: 'response.created', response: { id: 'r', created_at: 1, output: [] } },
      { type: 'response.completed', response: { id: 'r', created_at: 1, output: [call], usage: null } },
    ]);
    expect(deltas(frames)[0]).toMatchObject({ role: 'assistant', content: null, tool_calls: [{ id: 'call_z' }] });
    expect(deltas(frames).filter((d) => d['content'] === '')).toEqual([]);
  });

  it('emits nothing for reasoning events beyond the role chunk', () => {
    const frames = completeFrames(S.REASONING_THEN_TEXT);
    expect(deltas(frames)).toEqual([
      { role: 'assistant', content: '', refusal: null },
      { content: 'The answer ' },
      { content: 'is 42.' },
      {},
    ]);
  });

  it('streams custom tool calls with their input', () => {
    const frames = completeFrames(S.CUSTOM_TOOL);
    expect(deltas(frames)[0]).toEqual({
      role: 'assistant',
      content: null,
      refusal: null,
      tool_calls: [{ index: 0, id: 'call_patch', type: 'custom', custom: { name: 'apply_patch', input: '' } }],
    });
    expect(toolCalls(frames)).toEqual([{ id: 'call_patch', type: 'custom', name: 'apply_patch', args: S.PATCH_TEXT }]);
  });

  it('streams refusals as refusal deltas', () => {
    const frames = completeFrames(S.REFUSAL);
    expect(text(frames, 'refusal')).toBe("I can't help with that.");
    expect(text(frames)).toBe('');
  });

  it('supplies only missing suffixes from .done events and final items, never repeating text', () => {
    const frames = completeFrames(S.DONE_SUPPLIES_SUFFIX);
    expect(text(frames)).toBe('Hello!');
    expect(
      deltas(frames)
        .filter((d) => 'content' in d)
        .map((d) => d['content']),
    ).toEqual(['', 'Hel', 'lo', '!']);
    expect(toolCalls(frames)).toEqual([{ id: 'call_s', type: 'function', name: 'f', args: '{"a":1}' }]);
  });

  it('emits items that only appear in output_item.done, or only in the completed response', () => {
    const done = completeFrames(S.ITEMS_ONLY_IN_DONE);
    expect(text(done)).toBe('Only in done');
    expect(toolCalls(done)).toEqual([{ id: 'call_d', type: 'function', name: 'lookup', args: '{"q":1}' }]);
    expect(deltas(done)[0]).toEqual({ role: 'assistant', content: '', refusal: null });
    const completed = completeFrames(S.ITEMS_ONLY_IN_COMPLETED);
    expect(text(completed)).toBe('From the envelope');
    expect(toolCalls(completed)).toEqual([{ id: 'call_c', type: 'function', name: 'lookup', args: '{}' }]);
    expect(chunks(completed).at(-1)?.choices[0]?.finish_reason).toBe('tool_calls');
  });

  it.each<[string, string, Ev[]]>([
    ['max_output_tokens', 'length', S.INCOMPLETE_MAX_TOKENS],
    ['content_filter', 'content_filter', S.INCOMPLETE_CONTENT_FILTER],
  ])('finishes an incomplete (%s) stream with finish_reason %s and no repeated text', (_reason, finish, events) => {
    const frames = completeFrames(events);
    expect(text(frames)).toBe('Cut short');
    expect(chunks(frames).at(-1)?.choices[0]?.finish_reason).toBe(finish);
  });

  it('writes nothing for a failure event and lets the caller fail the stream (§12.3)', () => {
    const { frames, translator } = translate(S.FAILED_AFTER_COMMIT);
    expect(text(frames)).toBe('Partial answer');
    expect(translator.accumulator.terminal).toBe('failed');
    const failure = translator.fail(translator.accumulator.error ?? 'stream_interrupted');
    expect(failure).toEqual([
      'data: {"error":{"message":"Something went wrong","type":"upstream_error","code":"server_error","param":null}}\n\n',
      'data: [DONE]\n\n',
    ]);
    expect(translator.finish()).toEqual([]);
    expect(translator.push(S.TEXT[3])).toEqual([]);
  });

  it('fails a truncated stream with stream_interrupted by default', () => {
    const { translator } = translate(S.TRUNCATED);
    expect(translator.accumulator.terminal).toBeUndefined();
    const [frame] = translator.fail();
    expect(JSON.parse(frame!.slice(6))).toEqual({
      error: {
        message: 'The upstream stream was interrupted.',
        type: 'upstream_error',
        code: 'stream_interrupted',
        param: null,
      },
    });
    expect(translator.fail('x', 'y')).toEqual([]);
  });

  describe('read by the openai SDK', () => {
    it('reassembles text with usage', async () => {
      const completion = await throughOpenAiSdk(completeFrames(S.TEXT, true));
      expect(completion.choices[0]?.message.content).toBe('Hello world');
      expect(completion.choices[0]?.finish_reason).toBe('stop');
      expect(completion.model).toBe('client-model');
    });

    it('reassembles parallel tool calls', async () => {
      const completion = await throughOpenAiSdk(completeFrames(S.PARALLEL_TOOLS));
      const calls = completion.choices[0]?.message.tool_calls?.map((c) =>
        c.type === 'function' ? [c.id, c.function.name, c.function.arguments] : [],
      );
      expect(calls).toEqual([
        ['call_a', 'get_weather', '{"city":"Oslo"}'],
        ['call_b', 'get_time', '{"tz":"UTC"}'],
      ]);
      expect(completion.choices[0]?.finish_reason).toBe('tool_calls');
    });

    it('surfaces an in-stream error as an SDK error', async () => {
      const { frames, translator } = translate(S.FAILED_AFTER_COMMIT);
      await expect(
        throughOpenAiSdk([...frames, ...translator.fail('server_error', 'Something went wrong')]),
      ).rejects.toThrow('Something went wrong');
    });
  });
});
