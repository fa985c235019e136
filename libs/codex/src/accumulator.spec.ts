import { ResponseAccumulator } from './accumulator';
import { classifyStreamError } from './classify';
import * as S from './__fixtures__/responses-streams';

type Ev = Record<string, unknown>;

function run(events: Ev[]): ResponseAccumulator {
  const acc = new ResponseAccumulator();
  for (const event of events) acc.push(event);
  return acc;
}

function commitIndex(events: Ev[]): number {
  const acc = new ResponseAccumulator();
  return events.findIndex((event) => {
    acc.push(event);
    return acc.committed;
  });
}

describe('ResponseAccumulator', () => {
  it('reads a text stream: envelope, commit point, terminal, output, usage and finish reason', () => {
    const acc = run(S.TEXT);
    expect(acc).toMatchObject({
      responseId: 'resp_fixture',
      createdAt: 1767200000,
      model: 'gpt-5.3-codex',
      terminal: 'completed',
      committed: true,
    });
    expect(acc.output()).toEqual([
      {
        type: 'message',
        id: 'msg_1',
        role: 'assistant',
        status: 'completed',
        content: [{ type: 'output_text', text: 'Hello world', annotations: [] }],
      },
    ]);
    expect(acc.usage).toEqual({ input: 1200, cached: 1024, output: 300, reasoning: 192, total: 1500 });
    expect(acc.finishReason).toBe('stop');
    expect(acc.hasContent).toBe(true);
    expect(acc.rateLimits).toMatchObject(S.RATE_LIMITS_EVENT);
  });

  it.each<[string, Ev[], number]>([
    ['the first output_item.added', S.TEXT, 3],
    ['a reasoning item counts as output', S.REASONING_THEN_TEXT, 2],
    ['a terminal event when nothing was added', S.ITEMS_ONLY_IN_COMPLETED, 2],
    ['a failure before any output', S.FAILED_BEFORE_COMMIT, 2],
  ])('commits at %s', (_label, events, index) => {
    expect(commitIndex(events)).toBe(index);
  });

  it('tells a failure before output apart from one after (failover is still possible)', () => {
    const before = run(S.FAILED_BEFORE_COMMIT);
    expect(before).toMatchObject({
      terminal: 'failed',
      outputStarted: false,
      error: { code: 'usage_limit_reached', message: 'The usage limit has been reached' },
    });
    const after = run(S.FAILED_AFTER_COMMIT);
    expect(after).toMatchObject({ terminal: 'failed', outputStarted: true, error: { code: 'server_error' } });
    expect(after.finishReason).toBeNull();
  });

  it('reads an error event as a terminal error', () => {
    const acc = run(S.ERROR_EVENT);
    expect(acc.terminal).toBe('error');
    expect(acc.error).toEqual({
      code: 'rate_limit_exceeded',
      message: 'Rate limit reached. Please try again in 1.5s.',
    });
    expect(acc.toResponse()).toMatchObject({ status: 'failed', error: { code: 'rate_limit_exceeded' } });
  });

  it('keeps quota reset hints of a stream error so classification can use them', () => {
    const error = { code: 'usage_limit_reached', message: 'limit', resets_in_seconds: 90 };
    const acc = run([{ type: 'response.failed', response: { id: 'r', status: 'failed', error } }]);
    expect(acc.error).toEqual(error);
    expect(classifyStreamError(acc.error, 1000, { blockFallbackMs: 5, rateLimitCooldownMs: 5 })).toMatchObject({
      kind: 'quota',
      resetAt: 91_000,
    });
  });

  it('does not mistake the error event type for an error code', () => {
    expect(run([{ type: 'error', message: 'boom' }]).error).toEqual({ code: null, message: 'boom' });
    expect(run([{ type: 'error', error: { type: 'server_error', message: 'nested' } }]).error).toEqual({
      code: 'server_error',
      message: 'nested',
    });
  });

  it('leaves a truncated stream without terminal, keeping what was streamed', () => {
    const acc = run(S.TRUNCATED);
    expect(acc.terminal).toBeUndefined();
    expect(acc.committed).toBe(true);
    expect(acc.finishReason).toBeNull();
    expect(acc.output()).toEqual([
      {
        type: 'message',
        id: 'msg_1',
        role: 'assistant',
        status: 'in_progress',
        content: [{ type: 'output_text', text: 'Half an ans', annotations: [] }],
      },
    ]);
    expect(acc.toResponse()['status']).toBe('in_progress');
  });

  it('rebuilds the output from output_item.done when the completed output is empty', () => {
    const acc = run(S.TOOL_CALL);
    expect(acc.output()).toEqual([
      {
        type: 'function_call',
        id: 'fc_1',
        call_id: 'call_abc',
        name: 'get_weather',
        arguments: '{"city":"Paris"}',
        status: 'completed',
      },
    ]);
    expect(acc.finishReason).toBe('tool_calls');
  });

  it('orders parallel calls by output_index and keeps reasoning items', () => {
    const output = run(S.PARALLEL_TOOLS).output();
    expect(output.map((i) => i['id'])).toEqual(['rs_1', 'fc_a', 'fc_b']);
    expect(output[0]).toEqual(S.REASONING_ITEM);
  });

  it('accepts items that only appear in output_item.done, without any added event', () => {
    const acc = run(S.ITEMS_ONLY_IN_DONE);
    expect(acc.output().map((i) => i['id'])).toEqual(['msg_d', 'fc_d']);
    expect(acc.finishReason).toBe('tool_calls');
    expect(acc.hasContent).toBe(true);
  });

  it('takes items from the completed response when they were never streamed', () => {
    const acc = run(S.ITEMS_ONLY_IN_COMPLETED);
    expect(acc.output().map((i) => i['id'])).toEqual(['msg_c', 'fc_c']);
    expect(acc.hasContent).toBe(true);
  });

  it('never repeats text: .done events and final items only supply the missing suffix', () => {
    const output = run(S.DONE_SUPPLIES_SUFFIX).output();
    expect(output[0]).toMatchObject({ content: [{ type: 'output_text', text: 'Hello!' }] });
    expect(output[1]).toMatchObject({ arguments: '{"a":1}' });
  });

  it('keeps streamed text when the final text disagrees with it', () => {
    const acc = run([
      {
        type: 'response.output_item.added',
        output_index: 0,
        item: { type: 'message', id: 'm', role: 'assistant', content: [] },
      },
      { type: 'response.output_text.delta', item_id: 'm', output_index: 0, content_index: 0, delta: 'Streamed' },
      {
        type: 'response.output_item.done',
        output_index: 0,
        item: { type: 'message', id: 'm', role: 'assistant', content: [{ type: 'output_text', text: 'Different' }] },
      },
      { type: 'response.completed', response: { id: 'r', output: [], usage: null } },
    ]);
    expect(acc.output()[0]).toMatchObject({ content: [{ text: 'Streamed' }] });
  });

  it('collects custom tool input', () => {
    const acc = run(S.CUSTOM_TOOL);
    expect(acc.output()).toEqual([
      {
        type: 'custom_tool_call',
        id: 'ctc_1',
        call_id: 'call_patch',
        name: 'apply_patch',
        input: S.PATCH_TEXT,
        status: 'completed',
      },
    ]);
    expect(acc.finishReason).toBe('tool_calls');
  });

  it('treats a refusal as content', () => {
    const acc = run(S.REFUSAL);
    expect(acc.hasContent).toBe(true);
    expect(acc.output()[0]).toMatchObject({ content: [{ type: 'refusal', refusal: "I can't help with that." }] });
  });

  it.each<[string, string, Ev[]]>([
    ['max_output_tokens', 'length', S.INCOMPLETE_MAX_TOKENS],
    ['content_filter', 'content_filter', S.INCOMPLETE_CONTENT_FILTER],
  ])('maps response.incomplete %s to %s', (reason, finish, events) => {
    const acc = run(events);
    expect(acc.terminal).toBe('incomplete');
    expect(acc.incompleteReason).toBe(reason);
    expect(acc.finishReason).toBe(finish);
    expect(acc.toResponse()).toMatchObject({ status: 'incomplete', incomplete_details: { reason } });
  });

  it('sees no content in an empty or non-content completed response', () => {
    expect(run(S.EMPTY_COMPLETED).hasContent).toBe(false);
    expect(run(S.NON_CONTENT_ONLY).hasContent).toBe(false);
    expect(run(S.EMPTY_COMPLETED).usage).toEqual({ input: 10, cached: 0, output: 0, reasoning: 0, total: 10 });
  });

  it('ignores events after the terminal one and unknown events', () => {
    const acc = run([...S.TEXT, { type: 'error', code: 'late', message: 'late' }, { type: 'response.something_new' }]);
    expect(acc.terminal).toBe('completed');
    expect(acc.error).toBeUndefined();
  });

  it("accepts the parser's {type, data, raw} wrapper", () => {
    const acc = new ResponseAccumulator();
    for (const data of S.TEXT) acc.push({ type: data['type'], data, raw: JSON.stringify(data) });
    expect(acc.output()[0]).toMatchObject({ content: [{ text: 'Hello world' }] });
  });

  it('keeps the whole terminal envelope but not the request echoed by the in-progress ones', () => {
    const echo = { instructions: 'You are Codex.', tools: [{ type: 'function', name: 'shell' }] };
    const withEcho = S.TEXT.map((event) =>
      typeof event['response'] === 'object' ? { ...event, response: { ...(event['response'] as Ev), ...echo } } : event,
    );
    const truncated = run(withEcho.slice(0, -1)).toResponse();
    expect(truncated).toMatchObject({ id: 'resp_fixture', model: 'gpt-5.3-codex', status: 'in_progress' });
    expect(truncated).not.toHaveProperty('instructions');
    expect(truncated).not.toHaveProperty('tools');
    expect(run(withEcho).toResponse()).toMatchObject({ status: 'completed', ...echo });
  });

  describe('toResponse (§5.7)', () => {
    it('returns the terminal response with the rebuilt output and usage', () => {
      const response = run(S.TOOL_CALL).toResponse();
      expect(response).toMatchObject({ id: 'resp_fixture', object: 'response', status: 'completed', usage: S.USAGE });
      expect(response['output']).toHaveLength(1);
    });

    it('attaches zero usage when upstream sent none', () => {
      const response = run([
        ...S.TEXT.slice(0, -1),
        { type: 'response.completed', response: { id: 'r', status: 'completed', output: [] } },
      ]).toResponse();
      expect(response['usage']).toEqual({
        input_tokens: 0,
        input_tokens_details: { cached_tokens: 0 },
        output_tokens: 0,
        output_tokens_details: { reasoning_tokens: 0 },
        total_tokens: 0,
      });
    });
  });

  describe('toChatCompletion (§5.3)', () => {
    it('renders text with usage', () => {
      expect(run(S.TEXT).toChatCompletion('my-model', 'chatcmpl-fixed')).toEqual({
        id: 'chatcmpl-fixed',
        object: 'chat.completion',
        created: 1767200000,
        model: 'my-model',
        system_fingerprint: null,
        choices: [
          {
            index: 0,
            logprobs: null,
            finish_reason: 'stop',
            message: { role: 'assistant', content: 'Hello world', refusal: null, annotations: [] },
          },
        ],
        usage: {
          prompt_tokens: 1200,
          completion_tokens: 300,
          total_tokens: 1500,
          prompt_tokens_details: { cached_tokens: 1024 },
          completion_tokens_details: { reasoning_tokens: 192 },
        },
      });
    });

    it('renders tool calls with null content, custom calls, and hides reasoning', () => {
      const choice = (run(S.PARALLEL_TOOLS).toChatCompletion('m')['choices'] as Ev[])[0];
      expect(choice).toMatchObject({
        finish_reason: 'tool_calls',
        message: {
          content: null,
          tool_calls: [
            { id: 'call_a', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Oslo"}' } },
            { id: 'call_b', type: 'function', function: { name: 'get_time', arguments: '{"tz":"UTC"}' } },
          ],
        },
      });
      const custom = (run(S.CUSTOM_TOOL).toChatCompletion('m')['choices'] as Ev[])[0];
      expect(custom?.['message']).toMatchObject({
        tool_calls: [{ id: 'call_patch', type: 'custom', custom: { name: 'apply_patch', input: S.PATCH_TEXT } }],
      });
    });

    it('renders refusals and url citations', () => {
      const refusal = (run(S.REFUSAL).toChatCompletion('m')['choices'] as Ev[])[0]?.['message'];
      expect(refusal).toMatchObject({ content: null, refusal: "I can't help with that." });
      const cited = (run(S.ANNOTATIONS).toChatCompletion('m')['choices'] as Ev[])[0]?.['message'];
      expect(cited).toMatchObject({
        content: 'See example.com.',
        annotations: [
          {
            type: 'url_citation',
            url_citation: { start_index: 4, end_index: 15, url: 'https://example.com/', title: 'Example' },
          },
        ],
      });
    });

    it('generates a chatcmpl- id and uses zeros when usage is missing', () => {
      const completion = run(
        S.ITEMS_ONLY_IN_COMPLETED.map((e) =>
          e['type'] === 'response.completed' ? { ...e, response: { ...(e['response'] as Ev), usage: null } } : e,
        ),
      ).toChatCompletion('m');
      expect(completion['id']).toMatch(/^chatcmpl-[A-Za-z0-9_-]+$/);
      expect(completion['usage']).toMatchObject({ prompt_tokens: 0, completion_tokens: 0, total_tokens: 0 });
    });
  });
});
