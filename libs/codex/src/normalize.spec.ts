import { caught } from '@mcp/testing';
import { DEFAULT_INSTRUCTIONS } from './constants';
import { ClientRequestError } from './errors';
import { deriveSessionKey, normalizeResponsesRequest, type NormalizeOptions } from './normalize';

function normalize(body: Record<string, unknown>, opts: NormalizeOptions = {}) {
  return normalizeResponsesRequest({ model: 'gpt-5.3-codex', input: 'hi', ...body }, opts);
}

const rejection = (fn: () => unknown): ClientRequestError => caught(fn, ClientRequestError);

describe('normalizeResponsesRequest (§2.2)', () => {
  it('turns a minimal request into a valid upstream body', () => {
    const result = normalizeResponsesRequest({ model: 'openai/gpt-5.3-codex', input: 'Hello' });
    expect(result).toEqual({
      upstreamModel: 'gpt-5.3-codex',
      sessionKey: undefined,
      droppedParams: [],
      body: {
        model: 'gpt-5.3-codex',
        input: [{ type: 'message', role: 'user', content: [{ type: 'input_text', text: 'Hello' }] }],
        instructions: DEFAULT_INSTRUCTIONS,
        store: false,
        stream: true,
        include: ['reasoning.encrypted_content'],
      },
    });
  });

  it("does not mutate the caller's object", () => {
    const input = { model: 'm', input: 'x', temperature: 1, store: true };
    const copy = structuredClone(input);
    normalizeResponsesRequest(input);
    expect(input).toEqual(copy);
  });

  it.each([
    ['a legacy prompt string becomes the input', { input: undefined, prompt: 'From prompt' }, [], 'From prompt'],
    ['a prompt template object is dropped', { prompt: { id: 'pmpt_1' } }, ['prompt'], 'hi'],
  ])('%s', (_label, body, dropped, text) => {
    const result = normalize(body);
    expect(result.body['input']).toEqual([{ type: 'message', role: 'user', content: [{ type: 'input_text', text }] }]);
    expect(result.body['prompt']).toBeUndefined();
    expect(result.droppedParams).toEqual(dropped);
  });

  it('keeps array input items, reasoning items with encrypted content included, and fixes assistant input_text', () => {
    const input = [
      { type: 'reasoning', id: 'rs_1', summary: [], encrypted_content: 'gAAA' },
      { type: 'message', role: 'assistant', content: [{ type: 'input_text', text: 'earlier' }] },
      { type: 'function_call_output', call_id: 'c', output: 'ok' },
    ];
    const body = normalize({ input }).body;
    expect(body['input']).toEqual([
      input[0],
      { type: 'message', role: 'assistant', content: [{ type: 'output_text', text: 'earlier' }] },
      input[2],
    ]);
  });

  it('keeps non-blank instructions and replaces blank ones', () => {
    expect(normalize({ instructions: 'Be terse.' }).body['instructions']).toBe('Be terse.');
    expect(normalize({ instructions: '   ' }).body['instructions']).toBe(DEFAULT_INSTRUCTIONS);
  });

  it('forces store:false and stream:true', () => {
    expect(normalize({ store: true, stream: false }).body).toMatchObject({ store: false, stream: true });
  });

  it('adds reasoning.encrypted_content to a native include once, and leaves Chat translations alone', () => {
    expect(normalize({ include: ['file_search_call.results'] }).body['include']).toEqual([
      'file_search_call.results',
      'reasoning.encrypted_content',
    ]);
    expect(normalize({ include: ['reasoning.encrypted_content'] }).body['include']).toEqual([
      'reasoning.encrypted_content',
    ]);
    expect(normalize({}, { native: false }).body['include']).toBeUndefined();
    expect(normalize({ include: 'x' }, { native: false }).body['include']).toBeUndefined();
    expect(normalize({ include: 'x' }).body['include']).toEqual(['reasoning.encrypted_content']);
  });

  it('passes every tool type through and defaults tool_choice and parallel_tool_calls when tools exist', () => {
    const tools = [
      { type: 'function', name: 'f', parameters: {} },
      { type: 'custom', name: 'apply_patch', format: { type: 'grammar' } },
      { type: 'web_search' },
      { type: 'local_shell' },
    ];
    const body = normalize({ tools }).body;
    expect(body).toMatchObject({ tools, tool_choice: 'auto', parallel_tool_calls: true });
    expect(normalize({ tools, tool_choice: 'required', parallel_tool_calls: false }).body).toMatchObject({
      tool_choice: 'required',
      parallel_tool_calls: false,
    });
  });

  it('deletes tool_choice when there are no tools', () => {
    expect(normalize({ tool_choice: 'auto' }).body).not.toHaveProperty('tool_choice');
    expect(normalize({ tools: [], tool_choice: 'auto' }).body).not.toHaveProperty('tool_choice');
  });

  it('moves a flat reasoning_effort into reasoning.effort, clamps it, and keeps the summary', () => {
    expect(normalize({ model: 'gpt-5.3-codex', reasoning_effort: 'minimal' }).body['reasoning']).toEqual({
      effort: 'low',
    });
    expect(
      normalize({ reasoning: { effort: 'high', summary: 'auto' }, reasoning_effort: 'low' }).body['reasoning'],
    ).toEqual({ effort: 'high', summary: 'auto' });
    const body = normalize({ reasoning: { summary: 'detailed' } }).body;
    expect(body['reasoning']).toEqual({ summary: 'detailed' });
    expect(body).not.toHaveProperty('reasoning_effort');
  });

  it('leaves reasoning unset when there is no effort', () => {
    expect(normalize({}).body).not.toHaveProperty('reasoning');
    expect(normalize({ reasoning: null }).body).not.toHaveProperty('reasoning');
  });

  it('clamps to the catalogue levels when the catalogue knows the model', () => {
    const catalogue = (model: string) =>
      model === 'gpt-5.3-codex' ? { supportedReasoningLevels: ['medium', 'high'] } : undefined;
    expect(normalize({ reasoning: { effort: 'low' } }, { catalogue }).body['reasoning']).toEqual({ effort: 'medium' });
  });

  it('keeps text.format, and text.verbosity only when the catalogue supports verbosity', () => {
    const text = { format: { type: 'json_object' }, verbosity: 'low' };
    const without = normalize({ text });
    expect(without.body['text']).toEqual({ format: { type: 'json_object' } });
    expect(without.droppedParams).toEqual(['text.verbosity']);
    expect(normalize({ text }, { catalogue: () => ({ supportVerbosity: true }) }).body['text']).toEqual(text);
    expect(normalize({ text: { verbosity: 'high' } }).body).not.toHaveProperty('text');
  });

  it('strips the parameters upstream rejects and reports their names', () => {
    const stripped = {
      max_output_tokens: 10,
      max_tool_calls: 2,
      temperature: 0.2,
      top_p: 1,
      presence_penalty: 0,
      frequency_penalty: 0,
      seed: 1,
      logprobs: true,
      top_logprobs: 2,
      metadata: {},
      user: 'u',
      safety_identifier: 's',
      service_tier: 'auto',
      truncation: 'auto',
      background: false,
      stream_options: {},
    };
    const result = normalize(stripped);
    expect(result.droppedParams.sort()).toEqual(Object.keys(stripped).sort());
    for (const key of Object.keys(stripped)) expect(result.body).not.toHaveProperty(key);
  });

  it('forwards unknown fields untouched', () => {
    expect(normalize({ client_metadata: { a: 1 }, future_flag: true }).body).toMatchObject({
      client_metadata: { a: 1 },
      future_flag: true,
    });
  });

  it.each<[string, unknown, string | null]>([
    ['a non-object body', [1, 2], null],
    ['a string body', 'hello', null],
    ['a missing model', { input: 'x' }, 'model'],
    ['a blank model', { model: '  ', input: 'x' }, 'model'],
    ['previous_response_id', { model: 'm', input: 'x', previous_response_id: 'resp_1' }, 'previous_response_id'],
    ['conversation', { model: 'm', input: 'x', conversation: { id: 'conv_1' } }, 'conversation'],
    ['input of the wrong type', { model: 'm', input: 42 }, 'input'],
    ['an input item that is not an object', { model: 'm', input: ['text'] }, 'input[0]'],
    ['a bad effort', { model: 'm', input: 'x', reasoning: { effort: 'max' } }, 'reasoning.effort'],
  ])('rejects %s with a 400 naming the param', (_label, body, param) => {
    const error = rejection(() => normalizeResponsesRequest(body));
    expect(error.status).toBe(400);
    expect(error.param).toBe(param);
  });

  it('ignores previous_response_id: null', () => {
    expect(normalize({ previous_response_id: null }).body).not.toHaveProperty('previous_response_id');
  });
});

describe('session key (§2.4)', () => {
  it('prefers the body prompt_cache_key, then session_id, session-id, x-session-id, conversation_id', () => {
    const headers = { 'Session-Id': ' from-dash ', 'x-session-id': 'from-x', conversation_id: 'conv' };
    expect(normalize({ prompt_cache_key: 'body-key' }, { headers }).sessionKey).toBe('body-key');
    const fromHeader = normalize({}, { headers });
    expect(fromHeader.sessionKey).toBe('from-dash');
    expect(fromHeader.body['prompt_cache_key']).toBe('from-dash');
    expect(normalize({}, { headers: { session_id: 'sid', 'session-id': 'other' } }).sessionKey).toBe('sid');
    expect(normalize({}, { headers: { conversation_id: 'conv' } }).sessionKey).toBe('conv');
  });

  it('has no key (and no prompt_cache_key) when nothing gives one', () => {
    const result = normalize({ prompt_cache_key: '  ' }, { headers: { session_id: '' } });
    expect(result.sessionKey).toBeUndefined();
    expect(result.body).not.toHaveProperty('prompt_cache_key');
  });

  it('derives a stable key for Chat translations when asked, different per client key and prefix', () => {
    const a = normalize({}, { deriveSessionKey: true, clientKeyId: 'k1' }).sessionKey;
    expect(a).toMatch(/^mcp-[0-9a-f]{32}$/);
    expect(normalize({}, { deriveSessionKey: true, clientKeyId: 'k1' }).sessionKey).toBe(a);
    expect(normalize({}, { deriveSessionKey: true, clientKeyId: 'k2' }).sessionKey).not.toBe(a);
    expect(normalize({ input: 'other' }, { deriveSessionKey: true, clientKeyId: 'k1' }).sessionKey).not.toBe(a);
    expect(deriveSessionKey({ model: 'm' })).toMatch(/^mcp-/);
  });

  it('derives different keys for different instructions, and never confuses the parts of the material', () => {
    const key = (instructions: unknown, firstItem: unknown = 'x') =>
      deriveSessionKey({ clientKeyId: 'k', model: 'm', instructions, firstItem });
    expect(key('You are a coding agent.')).toBe(key('You are a coding agent.'));
    expect(key('You are a coding agent.')).not.toBe(key('You are a coding agent!'));
    // The same text as instructions or as their JSON form, or moved between parts, is different material.
    expect(key('["x"]')).not.toBe(key(['x']));
    expect(key('ab', 'c')).not.toBe(key('b', 'ac'));
    expect(key(undefined)).toBe(key(null));
  });
});

describe('compact requests (§2.5)', () => {
  it('removes store, stream, include, tool_choice and parallel_tool_calls, and normalises the rest', () => {
    const result = normalize(
      {
        store: false,
        stream: true,
        include: ['x'],
        tools: [{ type: 'function', name: 'f' }],
        tool_choice: 'auto',
        parallel_tool_calls: true,
        reasoning_effort: 'minimal',
      },
      { compact: true, headers: { session_id: 's1' } },
    );
    for (const key of ['store', 'stream', 'include', 'tool_choice', 'parallel_tool_calls'])
      expect(result.body).not.toHaveProperty(key);
    expect(result.body).toMatchObject({
      instructions: DEFAULT_INSTRUCTIONS,
      reasoning: { effort: 'low' },
      prompt_cache_key: 's1',
      tools: [{ type: 'function', name: 'f' }],
    });
    expect(result.droppedParams.sort()).toEqual(['include', 'parallel_tool_calls', 'store', 'stream', 'tool_choice']);
  });

  it('does not invent tool_choice for compact requests', () => {
    const result = normalize({ tools: [{ type: 'function', name: 'f' }] }, { compact: true });
    expect(result.body).not.toHaveProperty('tool_choice');
    expect(result.droppedParams).toEqual([]);
  });
});
