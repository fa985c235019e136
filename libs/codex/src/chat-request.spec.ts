import { chatToResponsesRequest } from './chat-request';
import { ClientRequestError } from './errors';
import { normalizeResponsesRequest } from './normalize';

const base = { model: 'gpt-5.3-codex', messages: [{ role: 'user', content: 'Hi' }] };

function translate(extra: Record<string, unknown>) {
  return chatToResponsesRequest({ ...base, ...extra });
}

describe('chatToResponsesRequest (§5.1)', () => {
  it('translates a minimal chat request', () => {
    expect(
      chatToResponsesRequest({ ...base, messages: [{ role: 'system', content: 'Be brief.' }, ...base.messages] }),
    ).toEqual({
      body: {
        model: 'gpt-5.3-codex',
        instructions: 'Be brief.',
        input: [{ type: 'message', role: 'user', content: [{ type: 'input_text', text: 'Hi' }] }],
      },
      droppedParams: [],
      includeUsage: false,
      stream: false,
    });
  });

  it('translates function tools with strict defaulting to false, custom tools, and passes other tools through', () => {
    const { body } = translate({
      tools: [
        { type: 'function', function: { name: 'get_weather', description: 'Weather', parameters: { type: 'object' } } },
        { type: 'function', function: { name: 'strict_one', parameters: { type: 'object' }, strict: true } },
        { type: 'function', function: { name: 'no_args' } },
        {
          type: 'custom',
          custom: {
            name: 'apply_patch',
            description: 'Patch',
            format: { type: 'grammar', syntax: 'lark', definition: 'x' },
          },
        },
        { type: 'web_search' },
      ],
    });
    expect(body['tools']).toEqual([
      { type: 'function', name: 'get_weather', description: 'Weather', parameters: { type: 'object' }, strict: false },
      { type: 'function', name: 'strict_one', parameters: { type: 'object' }, strict: true },
      { type: 'function', name: 'no_args', parameters: { type: 'object', properties: {} }, strict: false },
      {
        type: 'custom',
        name: 'apply_patch',
        description: 'Patch',
        format: { type: 'grammar', syntax: 'lark', definition: 'x' },
      },
      { type: 'web_search' },
    ]);
  });

  it.each<[string, unknown, unknown]>([
    ['"none"', 'none', 'none'],
    ['"required"', 'required', 'required'],
    ['a named function', { type: 'function', function: { name: 'f' } }, { type: 'function', name: 'f' }],
    [
      'a named custom tool',
      { type: 'custom', custom: { name: 'apply_patch' } },
      { type: 'custom', name: 'apply_patch' },
    ],
    [
      'allowed_tools',
      {
        type: 'allowed_tools',
        allowed_tools: {
          mode: 'required',
          tools: [
            { type: 'function', function: { name: 'f' } },
            { type: 'custom', custom: { name: 'c' } },
            { type: 'web_search' },
          ],
        },
      },
      {
        type: 'allowed_tools',
        mode: 'required',
        tools: [{ type: 'function', name: 'f' }, { type: 'custom', name: 'c' }, { type: 'web_search' }],
      },
    ],
  ])('translates tool_choice %s', (_label, toolChoice, expected) => {
    expect(translate({ tool_choice: toolChoice }).body['tool_choice']).toEqual(expected);
  });

  it('maps legacy functions / function_call to tools / tool_choice', () => {
    const { body } = translate({
      functions: [{ name: 'lookup', parameters: { type: 'object' } }],
      function_call: { name: 'lookup' },
    });
    expect(body['tools']).toEqual([
      { type: 'function', name: 'lookup', parameters: { type: 'object' }, strict: false },
    ]);
    expect(body['tool_choice']).toEqual({ type: 'function', name: 'lookup' });
    expect(translate({ functions: [{ name: 'x' }], function_call: 'auto' }).body['tool_choice']).toBe('auto');
  });

  it('passes parallel_tool_calls', () => {
    expect(translate({ parallel_tool_calls: false }).body['parallel_tool_calls']).toBe(false);
  });

  it('maps response_format to text.format, flattening json_schema, and verbosity to text.verbosity', () => {
    expect(translate({ response_format: { type: 'json_object' } }).body['text']).toEqual({
      format: { type: 'json_object' },
    });
    const schema = { type: 'object', properties: { a: { type: 'string' } } };
    const { body } = translate({
      response_format: {
        type: 'json_schema',
        json_schema: { name: 'thing', description: 'A thing', schema, strict: true },
      },
      verbosity: 'low',
    });
    expect(body['text']).toEqual({
      format: { type: 'json_schema', name: 'thing', description: 'A thing', schema, strict: true },
      verbosity: 'low',
    });
  });

  it('maps reasoning_effort (or reasoning.effort) to reasoning.effort', () => {
    expect(translate({ reasoning_effort: 'high' }).body['reasoning']).toEqual({ effort: 'high' });
    expect(translate({ reasoning: { effort: 'low' } }).body['reasoning']).toEqual({ effort: 'low' });
  });

  it('keeps prompt_cache_key and reads stream / include_usage', () => {
    const result = translate({ prompt_cache_key: 'k', stream: true, stream_options: { include_usage: true } });
    expect(result.body['prompt_cache_key']).toBe('k');
    expect(result).toMatchObject({ stream: true, includeUsage: true });
    expect(translate({ stream_options: { include_usage: true } }).includeUsage).toBe(false);
  });

  it('records max tokens without forwarding them', () => {
    const result = translate({ max_completion_tokens: 100, max_tokens: 50 });
    expect(result.requestedMaxTokens).toBe(100);
    expect(result.body).not.toHaveProperty('max_output_tokens');
    expect(result.droppedParams).toEqual(['max_completion_tokens', 'max_tokens']);
    expect(translate({ max_tokens: 50 }).requestedMaxTokens).toBe(50);
  });

  it('drops the sampling and other unsupported parameters, unknown fields too, and lists them', () => {
    const dropped = {
      temperature: 0.5,
      top_p: 1,
      presence_penalty: 0,
      frequency_penalty: 0,
      logit_bias: {},
      logprobs: false,
      top_logprobs: 0,
      seed: 3,
      stop: ['x'],
      user: 'u',
      metadata: {},
      service_tier: 'auto',
      store: true,
      prediction: {},
      modalities: ['text'],
      audio: {},
      web_search_options: {},
      vendor_extension: 1,
    };
    const result = translate(dropped);
    expect(result.droppedParams.sort()).toEqual(Object.keys(dropped).sort());
    for (const key of Object.keys(dropped)) expect(result.body).not.toHaveProperty(key);
  });

  it('accepts n: 1 and rejects other n with param n', () => {
    expect(() => translate({ n: 1 })).not.toThrow();
    for (const n of [2, 0, 'x']) {
      expect(() => translate({ n })).toThrow(expect.objectContaining({ status: 400, param: 'n' }));
    }
  });

  it('refuses logprobs a client asked for (upstream cannot give them) with a 400 naming the parameter', () => {
    expect(() => translate({ logprobs: true })).toThrow(
      expect.objectContaining({ status: 400, param: 'logprobs', code: 'unsupported_parameter' }),
    );
    expect(() => translate({ logprobs: true, top_logprobs: 2 })).toThrow(
      expect.objectContaining({ status: 400, param: 'logprobs' }),
    );
    expect(() => translate({ top_logprobs: 2 })).toThrow(
      expect.objectContaining({ status: 400, param: 'top_logprobs', code: 'unsupported_parameter' }),
    );
    expect(() => translate({ logprobs: null, top_logprobs: null })).not.toThrow();
  });

  it.each<[string, unknown, string | null]>([
    ['a non-object body', null, null],
    ['a missing model', { messages: base.messages }, 'model'],
    ['missing messages', { model: 'm' }, 'messages'],
    ['tools that are not an array', { ...base, tools: {} }, 'tools'],
    [
      'a function tool without name',
      { ...base, tools: [{ type: 'function', function: {} }] },
      'tools[0].function.name',
    ],
    [
      'json_schema without json_schema',
      { ...base, response_format: { type: 'json_schema' } },
      'response_format.json_schema',
    ],
  ])('rejects %s', (_label, body, param) => {
    expect(() => chatToResponsesRequest(body)).toThrow(ClientRequestError);
    expect(() => chatToResponsesRequest(body)).toThrow(expect.objectContaining({ param }));
  });

  it('produces a body that normalisation accepts', () => {
    const translated = translate({
      reasoning_effort: 'minimal',
      tools: [{ type: 'function', function: { name: 'f' } }],
      temperature: 1,
    });
    const normalized = normalizeResponsesRequest(translated.body, { native: false });
    expect(normalized.body).toMatchObject({
      store: false,
      stream: true,
      tool_choice: 'auto',
      parallel_tool_calls: true,
      reasoning: { effort: 'low' },
    });
    expect(normalized.body).not.toHaveProperty('include');
  });
});
