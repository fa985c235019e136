import { Stream } from '@anthropic-ai/sdk/core/streaming';
import { MessageStream } from '@anthropic-ai/sdk/lib/MessageStream';
import { ResponseAccumulator } from '../accumulator';
import * as S from '../__fixtures__/responses-streams';
import { buildAnthropicMessage } from './response';
import { AnthropicStreamTranslator } from './stream';

type Ev = Record<string, unknown>;
type Frame = { event: string; data: Ev };

/** Feeds upstream events one by one, as the relay does, and closes the stream the way the relay would. */
function translate(events: Ev[], thinking = false): { frames: string[]; accumulator: ResponseAccumulator } {
  const translator = new AnthropicStreamTranslator({ model: 'claude-sonnet-4-5', thinking, id: 'msg_test' });
  const accumulator = new ResponseAccumulator();
  const frames: string[] = [];
  for (const event of events) {
    accumulator.push(event);
    frames.push(...translator.push(event));
  }
  const ok = accumulator.terminal === 'completed' || accumulator.terminal === 'incomplete';
  if (accumulator.terminal === undefined)
    frames.push(...translator.fail({ code: 'stream_interrupted', message: 'cut' }));
  else frames.push(...(ok ? translator.finish(accumulator) : translator.fail(accumulator.error ?? {})));
  return { frames, accumulator };
}

function parse(frames: string[]): Frame[] {
  return frames.map((frame) => {
    const [eventLine, dataLine] = frame.trim().split('\n');
    return { event: eventLine!.slice('event: '.length), data: JSON.parse(dataLine!.slice('data: '.length)) as Ev };
  });
}

function sequence(frames: string[]): string[] {
  return parse(frames).map(({ event, data }) => {
    const delta = data['delta'] as Ev | undefined;
    const block = data['content_block'] as Ev | undefined;
    if (event === 'content_block_start') return `start:${String(block?.['type'])}`;
    if (event === 'content_block_delta') return String(delta?.['type']);
    return event;
  });
}

/** The Anthropic SDK's own accumulator, fed our frames, is the oracle for what a client ends up with. */
async function throughSdk(frames: string[]) {
  const response = new Response(frames.join(''), { headers: { 'content-type': 'text/event-stream' } });
  const stream = Stream.fromSSEResponse(response, new AbortController());
  return MessageStream.fromReadableStream(stream.toReadableStream()).finalMessage();
}

describe('AnthropicStreamTranslator (§14)', () => {
  it('streams text: message_start and ping at the commit point, one text block, message_delta, message_stop', async () => {
    const { frames } = translate(S.TEXT);
    expect(sequence(frames)).toEqual([
      'message_start',
      'ping',
      'start:text',
      'text_delta',
      'text_delta',
      'text_delta',
      'content_block_stop',
      'message_delta',
      'message_stop',
    ]);
    for (const frame of parse(frames)) expect(frame.data['type']).toBe(frame.event);
    const message = await throughSdk(frames);
    expect(message).toMatchObject({
      id: 'msg_test',
      model: 'claude-sonnet-4-5',
      role: 'assistant',
      content: [{ type: 'text', text: 'Hello world' }],
      stop_reason: 'end_turn',
      usage: { input_tokens: 176, cache_read_input_tokens: 1024, output_tokens: 300 },
    });
  });

  it('works event by event: nothing before the commit point, a delta as soon as it arrives', () => {
    const translator = new AnthropicStreamTranslator({ model: 'm', thinking: false });
    const [created, inProgress, rateLimits, added, partAdded, firstDelta] = S.TEXT;
    expect([created, inProgress, rateLimits].flatMap((e) => translator.push(e))).toEqual([]);
    expect(sequence(translator.push(added))).toEqual(['message_start', 'ping']);
    expect(translator.push(partAdded)).toEqual([]);
    const frames = parse(translator.push(firstDelta));
    expect(frames.map((f) => f.event)).toEqual(['content_block_start', 'content_block_delta']);
    expect(frames[1]!.data).toEqual({
      type: 'content_block_delta',
      index: 0,
      delta: { type: 'text_delta', text: 'Hel' },
    });
  });

  it('streams a tool call as tool_use with input_json_delta, stop_reason tool_use', async () => {
    const { frames } = translate(S.TOOL_CALL);
    const start = parse(frames).find((f) => f.event === 'content_block_start')!;
    expect(start.data['content_block']).toEqual({ type: 'tool_use', id: 'call_abc', name: 'get_weather', input: {} });
    const message = await throughSdk(frames);
    expect(message.content).toEqual([
      { type: 'tool_use', id: 'call_abc', name: 'get_weather', input: { city: 'Paris' } },
    ]);
    expect(message.stop_reason).toBe('tool_use');
  });

  it('keeps one block open at a time when upstream interleaves two calls', async () => {
    const { frames } = translate(S.PARALLEL_TOOLS);
    const events = parse(frames).filter((f) => f.event.startsWith('content_block'));
    let open: unknown;
    for (const { event, data } of events) {
      if (event === 'content_block_start') {
        expect(open).toBeUndefined();
        open = data['index'];
      } else if (event === 'content_block_stop') open = undefined;
      else expect(data['index']).toBe(open);
    }
    const message = await throughSdk(frames);
    expect(message.content).toEqual([
      { type: 'tool_use', id: 'call_a', name: 'get_weather', input: { city: 'Oslo' } },
      { type: 'tool_use', id: 'call_b', name: 'get_time', input: { tz: 'UTC' } },
    ]);
  });

  it('exposes reasoning summaries as thinking blocks only when the client asked for thinking', async () => {
    const withThinking = translate(S.REASONING_THEN_TEXT, true);
    expect(sequence(withThinking.frames).slice(2, 5)).toEqual([
      'start:thinking',
      'thinking_delta',
      'content_block_stop',
    ]);
    const message = await throughSdk(withThinking.frames);
    expect(message.content).toEqual([
      { type: 'thinking', thinking: 'Thinking about it', signature: '' },
      { type: 'text', text: 'The answer is 42.', citations: null },
    ]);
    const without = await throughSdk(translate(S.REASONING_THEN_TEXT).frames);
    expect(without.content.map((block) => block.type)).toEqual(['text']);
  });

  it('supplies suffixes and items only seen in done events or in the completed response', async () => {
    expect((await throughSdk(translate(S.DONE_SUPPLIES_SUFFIX).frames)).content).toEqual([
      { type: 'text', text: 'Hello!', citations: null },
      { type: 'tool_use', id: 'call_s', name: 'f', input: { a: 1 } },
    ]);
    const onlyCompleted = await throughSdk(translate(S.ITEMS_ONLY_IN_COMPLETED).frames);
    expect(onlyCompleted.content).toEqual([
      { type: 'text', text: 'From the envelope', citations: null },
      { type: 'tool_use', id: 'call_c', name: 'lookup', input: {} },
    ]);
  });

  it('ends a truncated answer with stop_reason max_tokens', async () => {
    const message = await throughSdk(translate(S.INCOMPLETE_MAX_TOKENS).frames);
    expect(message.stop_reason).toBe('max_tokens');
    expect(message.content).toEqual([{ type: 'text', text: 'Cut short', citations: null }]);
  });

  it('turns an error inside a 200 stream into an Anthropic error event the SDK raises', async () => {
    const { frames } = translate(S.FAILED_AFTER_COMMIT);
    const last = parse(frames).at(-1)!;
    expect(last).toEqual({
      event: 'error',
      data: { type: 'error', error: { type: 'api_error', message: 'Something went wrong' } },
    });
    await expect(throughSdk(frames)).rejects.toThrow(/Something went wrong/);
  });

  it('turns a truncated stream into an error event, never a message_stop', () => {
    const seq = sequence(translate(S.TRUNCATED).frames);
    expect(seq.at(-1)).toBe('error');
    expect(seq).not.toContain('message_stop');
  });

  it('agrees with the non-streaming aggregate', async () => {
    for (const events of [S.TEXT, S.TOOL_CALL, S.PARALLEL_TOOLS, S.REASONING_THEN_TEXT, S.DONE_SUPPLIES_SUFFIX]) {
      const { frames, accumulator } = translate(events, true);
      const streamed = await throughSdk(frames);
      const whole = buildAnthropicMessage(accumulator, { model: 'claude-sonnet-4-5', thinking: true, id: 'msg_test' });
      // parsed_output is the SDK's own addition (structured outputs), not part of the wire message.
      const { parsed_output: _sdkOnly, ...wire } = JSON.parse(JSON.stringify(streamed)) as Record<string, unknown>;
      expect(whole).toEqual(wire);
    }
  });
});
