import type { FakeChatgpt } from '../src';
import {
  type Login,
  login,
  ofType,
  parseSse,
  postResponses,
  startWithAlice,
  streamEvents,
  textOf,
  userMessage,
  validBody,
} from './helpers';

let fake: FakeChatgpt;
let alice: Login;

beforeAll(async () => {
  ({ fake, alice } = await startWithAlice());
});
afterAll(() => fake.stop());
afterEach(() => {
  fake.options.emptyCompletedOutput = false;
  fake.options.rateLimitsEventEvery = 0;
});

const fnTool = { type: 'function', name: 'get_weather', parameters: { type: 'object', properties: {} } };
const patchTool = { type: 'custom', name: 'apply_patch', format: { type: 'grammar' } };

describe('SSE framing', () => {
  it('frames every event as event/data lines whose data repeats the type, with increasing sequence numbers', async () => {
    const res = await postResponses(fake, alice, validBody());
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const raw = await res.text();
    expect(raw.endsWith('\n\n')).toBe(true);
    expect(raw).not.toContain('[DONE]');
    const events = parseSse(raw);
    for (const e of events) expect(e.event).toBe(e.data.type);
    const seq = events.map((e) => e.data.sequence_number);
    expect(seq).toEqual(events.map((_e, i) => i));
  });

  it('streams a message item in the real order and ends with response.completed', async () => {
    const events = await streamEvents(fake, alice, validBody());
    const types = events.map((e) => e.data.type);
    expect(types.slice(0, 4)).toEqual([
      'response.created',
      'response.in_progress',
      'response.output_item.added',
      'response.content_part.added',
    ]);
    expect(types.slice(-4)).toEqual([
      'response.output_text.done',
      'response.content_part.done',
      'response.output_item.done',
      'response.completed',
    ]);
    expect(ofType(events, 'response.output_text.delta').length).toBeGreaterThan(1);
    const created = ofType(events, 'response.created')[0]!.response as Record<string, unknown>;
    expect(created).toMatchObject({ object: 'response', status: 'in_progress', model: 'gpt-5.3-codex', output: [] });
    expect(String(created.id)).toMatch(/^resp_/);
  });
});

describe('deterministic answers', () => {
  it('echoes the last user text, and completed.output carries the message', async () => {
    const input = [
      userMessage('first'),
      { type: 'message', role: 'assistant', content: [{ type: 'output_text', text: 'x' }] },
      userMessage('héllo wörld 🎉'),
    ];
    const events = await streamEvents(fake, alice, validBody({ input }));
    expect(textOf(events)).toBe('echo: héllo wörld 🎉');
    expect(ofType(events, 'response.output_text.done')[0]!.text).toBe('echo: héllo wörld 🎉');
    const completed = ofType(events, 'response.completed')[0]!.response as {
      output: { type: string; content: { text: string }[] }[];
    };
    expect(completed.output).toHaveLength(1);
    expect(completed.output[0]!.content[0]!.text).toBe('echo: héllo wörld 🎉');
  });

  it('returns an empty completed.output when configured, while items still stream', async () => {
    fake.options.emptyCompletedOutput = true;
    const events = await streamEvents(fake, alice, validBody());
    expect((ofType(events, 'response.completed')[0]!.response as { output: unknown[] }).output).toEqual([]);
    expect(ofType(events, 'response.output_item.done')).toHaveLength(1);
  });

  it('calls a function tool that is offered, streaming its arguments', async () => {
    const body = validBody({ tools: [fnTool], input: [userMessage('call get_weather with {"city":"Paris"}')] });
    const events = await streamEvents(fake, alice, body);
    const args = ofType(events, 'response.function_call_arguments.delta')
      .map((e) => e.delta)
      .join('');
    expect(args).toBe('{"city":"Paris"}');
    const item = ofType(events, 'response.output_item.done')[0]!.item as Record<string, unknown>;
    expect(item).toMatchObject({
      type: 'function_call',
      name: 'get_weather',
      arguments: '{"city":"Paris"}',
      status: 'completed',
    });
    expect(String(item.call_id)).toMatch(/^call_/);
  });

  it('echoes instead of calling a tool that is not offered', async () => {
    const events = await streamEvents(fake, alice, validBody({ input: [userMessage('call get_weather with {}')] }));
    expect(ofType(events, 'response.function_call_arguments.done')).toHaveLength(0);
    expect(textOf(events)).toBe('echo: call get_weather with {}');
  });

  it('answers "tool said" after a function_call_output', async () => {
    const input = [
      userMessage('weather?'),
      { type: 'function_call', call_id: 'call_a', name: 'get_weather', arguments: '{}' },
      { type: 'function_call_output', call_id: 'call_a', output: 'sunny' },
    ];
    expect(textOf(await streamEvents(fake, alice, validBody({ input, tools: [fnTool] })))).toBe('tool said: sunny');
  });

  it('makes a custom tool call for "patch"', async () => {
    const events = await streamEvents(
      fake,
      alice,
      validBody({ tools: [patchTool], input: [userMessage('patch *** Begin Patch')] }),
    );
    expect(
      ofType(events, 'response.custom_tool_call_input.delta')
        .map((e) => e.delta)
        .join(''),
    ).toBe('*** Begin Patch');
    expect(ofType(events, 'response.custom_tool_call_input.done')[0]!.input).toBe('*** Begin Patch');
    expect(ofType(events, 'response.output_item.done')[0]!.item).toMatchObject({
      type: 'custom_tool_call',
      name: 'apply_patch',
    });
  });

  it('adds a reasoning item with a summary when reasoning is requested', async () => {
    const body = validBody({
      reasoning: { effort: 'high', summary: 'auto' },
      include: ['reasoning.encrypted_content'],
    });
    const events = await streamEvents(fake, alice, body);
    const first = ofType(events, 'response.output_item.done')[0]!.item as Record<string, unknown>;
    expect(first.type).toBe('reasoning');
    expect(String(first.encrypted_content)).toMatch(/^gAAAA/);
    expect(
      ofType(events, 'response.reasoning_summary_text.delta')
        .map((e) => e.delta)
        .join(''),
    ).toBe('Considering: hello');
    const usage = (
      ofType(events, 'response.completed')[0]!.response as { usage: Record<string, { reasoning_tokens?: number }> }
    ).usage;
    expect(usage.output_tokens_details!.reasoning_tokens).toBeGreaterThan(0);
    expect(textOf(events)).toBe('echo: hello');
  });

  it('leaves encrypted_content null when include does not ask for it, and skips reasoning for effort none', async () => {
    const withReasoning = await streamEvents(fake, alice, validBody({ reasoning: { effort: 'low' } }));
    expect(
      (ofType(withReasoning, 'response.output_item.done')[0]!.item as Record<string, unknown>).encrypted_content,
    ).toBeNull();
    const none = await streamEvents(fake, alice, validBody({ model: 'gpt-5.2', reasoning: { effort: 'none' } }));
    expect(ofType(none, 'response.reasoning_summary_part.added')).toHaveLength(0);
  });

  it('mentions each image', async () => {
    const png = `data:image/png;base64,${Buffer.alloc(10).toString('base64')}`;
    const content = [
      { type: 'input_text', text: 'look' },
      { type: 'input_image', image_url: png },
      { type: 'input_image', image_url: 'https://images.example.com/a/very/long/path/cat.png' },
    ];
    const events = await streamEvents(fake, alice, validBody({ input: [{ type: 'message', role: 'user', content }] }));
    expect(textOf(events)).toBe('echo: look [image: data 10 bytes] [image: https://images.example.com/a/v]');
  });

  it('answers JSON for a json_schema text format', async () => {
    const text = { format: { type: 'json_schema', name: 'answer', schema: { type: 'object' } } };
    const events = await streamEvents(fake, alice, validBody({ text }));
    expect(JSON.parse(textOf(events))).toEqual({ echo: 'hello' });
  });

  it('refuses on "refuse"', async () => {
    const events = await streamEvents(fake, alice, validBody({ input: [userMessage('refuse')] }));
    expect(ofType(events, 'response.refusal.done')[0]!.refusal).toMatch(/can't help/);
    expect(ofType(events, 'response.output_item.done')[0]!.item).toMatchObject({ content: [{ type: 'refusal' }] });
  });

  it('streams N deltas for "long N"', async () => {
    const events = await streamEvents(fake, alice, validBody({ input: [userMessage('long 50')] }));
    expect(ofType(events, 'response.output_text.delta')).toHaveLength(50);
  });

  it('searches the web with a url_citation when web_search is offered', async () => {
    const events = await streamEvents(
      fake,
      alice,
      validBody({ tools: [{ type: 'web_search' }], input: [userMessage('search cats')] }),
    );
    expect(ofType(events, 'response.output_item.added')[0]!.item).toMatchObject({ type: 'web_search_call' });
    expect(ofType(events, 'response.web_search_call.completed')).toHaveLength(1);
    const annotation = ofType(events, 'response.output_text.annotation.added')[0]!.annotation as Record<
      string,
      unknown
    >;
    const text = textOf(events);
    expect(annotation.type).toBe('url_citation');
    expect(text.slice(annotation.start_index as number, annotation.end_index as number)).toBe('example.com');
  });
});

describe('usage and rate-limit reporting', () => {
  function usageOf(events: ReturnType<typeof parseSse>): Record<string, number & Record<string, number>> {
    return (
      ofType(events, 'response.completed')[0]!.response as { usage: Record<string, number & Record<string, number>> }
    ).usage;
  }

  it('reports cached tokens only once the account has seen the prompt_cache_key', async () => {
    const body = validBody({ prompt_cache_key: 'sess-1', input: [userMessage('a fairly long prompt '.repeat(20))] });
    const first = usageOf(await streamEvents(fake, alice, body));
    const second = usageOf(await streamEvents(fake, alice, body));
    expect(first.input_tokens_details!.cached_tokens).toBe(0);
    expect(second.input_tokens_details!.cached_tokens).toBeGreaterThan(0);
    expect(second.input_tokens_details!.cached_tokens).toBeLessThanOrEqual(second.input_tokens as number);
    expect(second.total_tokens).toBe((second.input_tokens as number) + (second.output_tokens as number));
    const bob = login(fake, 'bob@example.com');
    expect(usageOf(await streamEvents(fake, bob, body)).input_tokens_details!.cached_tokens).toBe(0);
    expect([...fake.counters().promptCacheKeys.get('sess-1')!].sort()).toEqual(
      [alice.account.id, bob.account.id].sort(),
    );
  });

  it('sends the x-codex headers and request id on a stream', async () => {
    const res = await postResponses(fake, alice, validBody());
    await res.text();
    expect(res.headers.get('x-codex-primary-window-minutes')).toBe('300');
    expect(res.headers.get('x-codex-secondary-window-minutes')).toBe('10080');
    expect(Number(res.headers.get('x-codex-primary-used-percent'))).toBeGreaterThan(0);
    expect(Number(res.headers.get('x-codex-primary-reset-at'))).toBeGreaterThan(Date.now() / 1000);
    expect(res.headers.get('x-codex-plan-type')).toBe('plus');
    expect(res.headers.get('x-codex-active-limit')).toBe('codex');
    expect(res.headers.get('x-request-id')).toBeTruthy();
    expect(res.headers.get('x-models-etag')).toBeTruthy();
  });

  it('emits a codex.rate_limits event on every Nth stream', async () => {
    fake.options.rateLimitsEventEvery = 1;
    const events = await streamEvents(fake, alice, validBody());
    const rl = ofType(events, 'codex.rate_limits')[0]!;
    expect(rl).toMatchObject({
      plan_type: 'plus',
      rate_limits: { primary: { window_minutes: 300 }, secondary: { window_minutes: 10080 } },
    });
  });

  it('records the last request per account', async () => {
    await streamEvents(fake, alice, validBody({ prompt_cache_key: 'k' }));
    const last = fake.counters().lastRequest[alice.account.id]!;
    expect(last.route).toBe('responses');
    expect(last.body).toMatchObject({ store: false, stream: true, prompt_cache_key: 'k' });
    expect(last.headers.originator).toBe('codex_cli_rs');
  });
});
