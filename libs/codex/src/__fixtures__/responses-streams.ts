// Upstream event sequences in the shape the Codex backend streams them (PROTOCOL.md §3.2, §3.3), for specs only.
type Ev = Record<string, unknown>;

const CREATED_AT = 1767200000;

/** Numbers the events as upstream does (`sequence_number` increases by one). */
function recorded(events: Ev[]): Ev[] {
  return events.map((event, i) => ({ ...event, sequence_number: i }));
}

function envelope(status: string, extra: Ev = {}): Ev {
  return {
    id: 'resp_fixture',
    object: 'response',
    created_at: CREATED_AT,
    status,
    model: 'gpt-5.3-codex',
    output: [],
    usage: null,
    error: null,
    incomplete_details: null,
    ...extra,
  };
}

export const USAGE = {
  input_tokens: 1200,
  input_tokens_details: { cached_tokens: 1024 },
  output_tokens: 300,
  output_tokens_details: { reasoning_tokens: 192 },
  total_tokens: 1500,
};

const start: Ev[] = [
  { type: 'response.created', response: envelope('in_progress') },
  { type: 'response.in_progress', response: envelope('in_progress') },
];

function completed(output: Ev[] = [], usage: Ev | null = USAGE): Ev {
  return { type: 'response.completed', response: envelope('completed', { output, usage }) };
}

function message(id: string, text: string, annotations: Ev[] = []): Ev {
  return {
    type: 'message',
    id,
    role: 'assistant',
    status: 'completed',
    content: [{ type: 'output_text', text, annotations }],
  };
}

/** A message streamed as deltas at `index`, with its `.done` events. */
function streamedMessage(index: number, id: string, deltas: string[], full = deltas.join('')): Ev[] {
  const at = { item_id: id, output_index: index, content_index: 0 };
  return [
    {
      type: 'response.output_item.added',
      output_index: index,
      item: { type: 'message', id, role: 'assistant', status: 'in_progress', content: [] },
    },
    { type: 'response.content_part.added', ...at, part: { type: 'output_text', text: '', annotations: [] } },
    ...deltas.map((delta) => ({ type: 'response.output_text.delta', ...at, delta })),
    { type: 'response.output_text.done', ...at, text: full },
    { type: 'response.content_part.done', ...at, part: { type: 'output_text', text: full, annotations: [] } },
    { type: 'response.output_item.done', output_index: index, item: message(id, full) },
  ];
}

function functionCall(id: string, callId: string, name: string, args: string, status = 'completed'): Ev {
  return { type: 'function_call', id, call_id: callId, name, arguments: args, status };
}

function streamedCall(index: number, id: string, callId: string, name: string, deltas: string[]): Ev[] {
  const full = deltas.join('');
  return [
    {
      type: 'response.output_item.added',
      output_index: index,
      item: functionCall(id, callId, name, '', 'in_progress'),
    },
    ...deltas.map((delta) => ({
      type: 'response.function_call_arguments.delta',
      item_id: id,
      output_index: index,
      delta,
    })),
    { type: 'response.function_call_arguments.done', item_id: id, output_index: index, arguments: full },
    { type: 'response.output_item.done', output_index: index, item: functionCall(id, callId, name, full) },
  ];
}

export const REASONING_ITEM: Ev = {
  type: 'reasoning',
  id: 'rs_1',
  summary: [{ type: 'summary_text', text: 'Thinking about it' }],
  encrypted_content: 'gAAAA-opaque',
};

const reasoning: Ev[] = [
  { type: 'response.output_item.added', output_index: 0, item: { type: 'reasoning', id: 'rs_1', summary: [] } },
  {
    type: 'response.reasoning_summary_part.added',
    item_id: 'rs_1',
    output_index: 0,
    summary_index: 0,
    part: { type: 'summary_text', text: '' },
  },
  {
    type: 'response.reasoning_summary_text.delta',
    item_id: 'rs_1',
    output_index: 0,
    summary_index: 0,
    delta: 'Thinking about it',
  },
  {
    type: 'response.reasoning_summary_text.done',
    item_id: 'rs_1',
    output_index: 0,
    summary_index: 0,
    text: 'Thinking about it',
  },
  { type: 'response.output_item.done', output_index: 0, item: REASONING_ITEM },
];

export const RATE_LIMITS_EVENT: Ev = {
  type: 'codex.rate_limits',
  plan_type: 'plus',
  rate_limits: {
    primary: { used_percent: 12.5, window_minutes: 300, reset_at: 1767210000 },
    secondary: { used_percent: 40, window_minutes: 10080, reset_at: 1767700000 },
  },
  credits: { has_credits: false, unlimited: false, balance: '0' },
};

export const TEXT = recorded([
  ...start,
  RATE_LIMITS_EVENT,
  ...streamedMessage(0, 'msg_1', ['Hel', 'lo', ' world']),
  completed([message('msg_1', 'Hello world')]),
]);

export const REASONING_THEN_TEXT = recorded([
  ...start,
  ...reasoning,
  ...streamedMessage(1, 'msg_1', ['The answer ', 'is 42.']),
  completed(),
]);

/** Completed output is empty: the call exists only in the streamed items (§3.5). */
export const TOOL_CALL = recorded([
  ...start,
  ...streamedCall(0, 'fc_1', 'call_abc', 'get_weather', ['{"city":', '"Paris"}']),
  completed([]),
]);

/** Two calls after a reasoning item, with interleaved argument deltas matched by item_id. */
export const PARALLEL_TOOLS = recorded([
  ...start,
  ...reasoning,
  {
    type: 'response.output_item.added',
    output_index: 1,
    item: functionCall('fc_a', 'call_a', 'get_weather', '', 'in_progress'),
  },
  {
    type: 'response.output_item.added',
    output_index: 2,
    item: functionCall('fc_b', 'call_b', 'get_time', '', 'in_progress'),
  },
  { type: 'response.function_call_arguments.delta', item_id: 'fc_b', output_index: 2, delta: '{"tz":"UTC"}' },
  { type: 'response.function_call_arguments.delta', item_id: 'fc_a', output_index: 1, delta: '{"city":"Oslo"}' },
  { type: 'response.function_call_arguments.done', item_id: 'fc_a', output_index: 1, arguments: '{"city":"Oslo"}' },
  { type: 'response.function_call_arguments.done', item_id: 'fc_b', output_index: 2, arguments: '{"tz":"UTC"}' },
  {
    type: 'response.output_item.done',
    output_index: 1,
    item: functionCall('fc_a', 'call_a', 'get_weather', '{"city":"Oslo"}'),
  },
  {
    type: 'response.output_item.done',
    output_index: 2,
    item: functionCall('fc_b', 'call_b', 'get_time', '{"tz":"UTC"}'),
  },
  completed([
    REASONING_ITEM,
    functionCall('fc_a', 'call_a', 'get_weather', '{"city":"Oslo"}'),
    functionCall('fc_b', 'call_b', 'get_time', '{"tz":"UTC"}'),
  ]),
]);

const PATCH = '*** Begin Patch\n*** Add File: a.txt\n+hi\n*** End Patch';
const customCall = (input: string, status = 'completed'): Ev => ({
  type: 'custom_tool_call',
  id: 'ctc_1',
  call_id: 'call_patch',
  name: 'apply_patch',
  input,
  status,
});

export const CUSTOM_TOOL = recorded([
  ...start,
  { type: 'response.output_item.added', output_index: 0, item: customCall('', 'in_progress') },
  { type: 'response.custom_tool_call_input.delta', item_id: 'ctc_1', output_index: 0, delta: PATCH.slice(0, 20) },
  { type: 'response.custom_tool_call_input.delta', item_id: 'ctc_1', output_index: 0, delta: PATCH.slice(20) },
  { type: 'response.custom_tool_call_input.done', item_id: 'ctc_1', output_index: 0, input: PATCH },
  { type: 'response.output_item.done', output_index: 0, item: customCall(PATCH) },
  completed([customCall(PATCH)]),
]);
export const PATCH_TEXT = PATCH;

const refusalAt = { item_id: 'msg_r', output_index: 0, content_index: 0 };
export const REFUSAL = recorded([
  ...start,
  {
    type: 'response.output_item.added',
    output_index: 0,
    item: { type: 'message', id: 'msg_r', role: 'assistant', content: [] },
  },
  { type: 'response.content_part.added', ...refusalAt, part: { type: 'refusal', refusal: '' } },
  { type: 'response.refusal.delta', ...refusalAt, delta: "I can't " },
  { type: 'response.refusal.delta', ...refusalAt, delta: 'help with that.' },
  { type: 'response.refusal.done', ...refusalAt, refusal: "I can't help with that." },
  {
    type: 'response.output_item.done',
    output_index: 0,
    item: {
      type: 'message',
      id: 'msg_r',
      role: 'assistant',
      status: 'completed',
      content: [{ type: 'refusal', refusal: "I can't help with that." }],
    },
  },
  completed(),
]);

const CITATION = { type: 'url_citation', url: 'https://example.com/', title: 'Example', start_index: 4, end_index: 15 };
const annotatedAt = { item_id: 'msg_a', output_index: 0, content_index: 0 };
export const ANNOTATIONS = recorded([
  ...start,
  {
    type: 'response.output_item.added',
    output_index: 0,
    item: { type: 'message', id: 'msg_a', role: 'assistant', content: [] },
  },
  { type: 'response.output_text.delta', ...annotatedAt, delta: 'See example.com.' },
  { type: 'response.output_text.annotation.added', ...annotatedAt, annotation_index: 0, annotation: CITATION },
  { type: 'response.output_text.done', ...annotatedAt, text: 'See example.com.' },
  { type: 'response.output_item.done', output_index: 0, item: message('msg_a', 'See example.com.', [CITATION]) },
  completed(),
]);

/** `response.failed` inside a 200 stream, before the commit point. */
export const FAILED_BEFORE_COMMIT = recorded([
  ...start,
  {
    type: 'response.failed',
    response: envelope('failed', {
      error: { code: 'usage_limit_reached', message: 'The usage limit has been reached' },
    }),
  },
]);

/** Output had started when the upstream failed: an in-stream error for the client (§12.3). */
export const FAILED_AFTER_COMMIT = recorded([
  ...start,
  ...streamedMessage(0, 'msg_1', ['Partial answer']).slice(0, 3),
  {
    type: 'response.failed',
    response: envelope('failed', { error: { code: 'server_error', message: 'Something went wrong' } }),
  },
]);

export const ERROR_EVENT = recorded([
  ...start,
  { type: 'error', code: 'rate_limit_exceeded', message: 'Rate limit reached. Please try again in 1.5s.', param: null },
]);

/** EOF without a terminal event. */
export const TRUNCATED = recorded([...start, ...streamedMessage(0, 'msg_1', ['Half an ans']).slice(0, 3)]);

/** Nothing but output_item.done events, and a completed response with an empty output. */
export const ITEMS_ONLY_IN_DONE = recorded([
  ...start,
  { type: 'response.output_item.done', output_index: 0, item: message('msg_d', 'Only in done') },
  { type: 'response.output_item.done', output_index: 1, item: functionCall('fc_d', 'call_d', 'lookup', '{"q":1}') },
  completed([]),
]);

/** Items never streamed at all: only the completed response carries them. */
export const ITEMS_ONLY_IN_COMPLETED = recorded([
  ...start,
  completed([message('msg_c', 'From the envelope'), functionCall('fc_c', 'call_c', 'lookup', '{}')]),
]);

/** Deltas stop short; `.done` events carry the rest (suffix only, never repeated). */
export const DONE_SUPPLIES_SUFFIX = recorded([
  ...start,
  ...streamedMessage(0, 'msg_s', ['Hel'], 'Hello').slice(0, 4),
  { type: 'response.output_item.done', output_index: 0, item: message('msg_s', 'Hello!') },
  { type: 'response.output_item.added', output_index: 1, item: functionCall('fc_s', 'call_s', 'f', '', 'in_progress') },
  { type: 'response.function_call_arguments.delta', item_id: 'fc_s', output_index: 1, delta: '{"a"' },
  { type: 'response.output_item.done', output_index: 1, item: functionCall('fc_s', 'call_s', 'f', '{"a":1}') },
  completed(),
]);

export const EMPTY_COMPLETED = recorded([...start, completed([], { input_tokens: 10, output_tokens: 0 })]);

function incomplete(reason: string): Ev[] {
  return recorded([
    ...start,
    ...streamedMessage(0, 'msg_i', ['Cut ', 'short']),
    {
      type: 'response.incomplete',
      response: envelope('incomplete', {
        incomplete_details: { reason },
        usage: USAGE,
        output: [message('msg_i', 'Cut short')],
      }),
    },
  ]);
}

export const INCOMPLETE_MAX_TOKENS = incomplete('max_output_tokens');
export const INCOMPLETE_CONTENT_FILTER = incomplete('content_filter');

/** Only a web search call: a completed response with no text, tool call or refusal is empty output (§3.5). */
export const NON_CONTENT_ONLY = recorded([
  ...start,
  {
    type: 'response.output_item.added',
    output_index: 0,
    item: { type: 'web_search_call', id: 'ws_1', status: 'in_progress' },
  },
  { type: 'response.web_search_call.searching', item_id: 'ws_1', output_index: 0 },
  {
    type: 'response.output_item.done',
    output_index: 0,
    item: { type: 'web_search_call', id: 'ws_1', status: 'completed' },
  },
  completed(),
]);
