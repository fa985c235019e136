import fc from 'fast-check';
import { chatToResponsesRequest } from './chat-request';
import { ClientRequestError } from './errors';
import { normalizeResponsesRequest } from './normalize';

/** Whatever a client sends, the translation either works or refuses with a 400: it never crashes. */
function onlyClientErrors(fn: () => unknown): boolean {
  try {
    fn();
    return true;
  } catch (error) {
    if (error instanceof ClientRequestError && error.status === 400) return true;
    throw error;
  }
}

const anyJson = fc.jsonValue({ maxDepth: 4 });
const roles = fc.constantFrom('system', 'developer', 'user', 'assistant', 'tool', 'function', 'other');
const part = fc.oneof(
  anyJson,
  fc.record(
    {
      type: fc.constantFrom('text', 'image_url', 'file', 'refusal', 'input_audio'),
      text: anyJson,
      image_url: anyJson,
      file: anyJson,
      refusal: anyJson,
    },
    { requiredKeys: ['type'] },
  ),
);
const message = fc.record(
  {
    role: roles,
    content: fc.oneof(fc.string(), fc.array(part, { maxLength: 4 }), anyJson),
    tool_calls: fc.array(
      fc.record({ id: anyJson, type: fc.constantFrom('function', 'custom', 'x'), function: anyJson, custom: anyJson }),
      { maxLength: 3 },
    ),
    tool_call_id: fc.oneof(fc.constantFrom('call_1', 'c'), anyJson),
    function_call: anyJson,
    name: anyJson,
    refusal: anyJson,
  },
  { requiredKeys: ['role'] },
);
const chatBody = fc.record(
  {
    model: fc.oneof(fc.constantFrom('gpt-5.3-codex', 'openai/gpt-5.1'), anyJson),
    messages: fc.oneof(fc.array(message, { maxLength: 6 }), anyJson),
    tools: fc.oneof(fc.array(anyJson, { maxLength: 3 }), anyJson),
    functions: anyJson,
    function_call: anyJson,
    tool_choice: anyJson,
    response_format: fc.oneof(anyJson, fc.record({ type: fc.constant('json_schema'), json_schema: anyJson })),
    reasoning_effort: fc.oneof(fc.constantFrom('low', 'minimal', 'xhigh', 'bogus'), anyJson),
    n: anyJson,
    stream: anyJson,
    stream_options: anyJson,
    max_tokens: anyJson,
    verbosity: anyJson,
    temperature: anyJson,
  },
  { requiredKeys: [] },
);
const responsesBody = fc.record(
  {
    model: fc.oneof(fc.constantFrom('gpt-5.3-codex', 'a/b/c'), anyJson),
    input: fc.oneof(fc.string(), fc.array(anyJson, { maxLength: 4 }), anyJson),
    prompt: anyJson,
    instructions: anyJson,
    tools: anyJson,
    tool_choice: anyJson,
    reasoning: fc.oneof(anyJson, fc.record({ effort: anyJson, summary: anyJson })),
    reasoning_effort: anyJson,
    text: fc.oneof(anyJson, fc.record({ format: anyJson, verbosity: anyJson })),
    include: anyJson,
    previous_response_id: anyJson,
    prompt_cache_key: anyJson,
    max_output_tokens: anyJson,
  },
  { requiredKeys: [] },
);

describe('request translation never throws anything but a 400 ClientRequestError', () => {
  it('chatToResponsesRequest, then normalizeResponsesRequest, on structured random Chat bodies', () => {
    fc.assert(
      fc.property(chatBody, (body) =>
        onlyClientErrors(() =>
          normalizeResponsesRequest(chatToResponsesRequest(body).body, { native: false, deriveSessionKey: true }),
        ),
      ),
      { numRuns: 400 },
    );
  });

  it('normalizeResponsesRequest on structured random Responses bodies, in every mode', () => {
    const modes = fc.record({ compact: fc.boolean(), native: fc.boolean() });
    fc.assert(
      fc.property(responsesBody, modes, fc.dictionary(fc.string(), fc.string()), (body, mode, headers) =>
        onlyClientErrors(() =>
          normalizeResponsesRequest(body, {
            ...mode,
            headers,
            catalogue: () => ({ supportedReasoningLevels: ['low'], supportVerbosity: true }),
          }),
        ),
      ),
      { numRuns: 400 },
    );
  });

  it('both functions on arbitrary JSON', () => {
    fc.assert(
      fc.property(
        anyJson,
        (body) =>
          onlyClientErrors(() => chatToResponsesRequest(body)) &&
          onlyClientErrors(() => normalizeResponsesRequest(body)),
      ),
      { numRuns: 300 },
    );
  });
});
