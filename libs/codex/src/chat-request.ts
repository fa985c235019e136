import { translateMessages } from './chat-messages';
import { ClientRequestError } from './errors';
import { finiteNumber, isRecord, nonEmptyString, type JsonObject } from './json';

/** A Chat Completions request as a Responses request, before §2.2 normalisation. */
export interface ChatTranslation {
  body: JsonObject;
  droppedParams: string[];
  /** `stream_options.include_usage` (§5.6). */
  includeUsage: boolean;
  /** Whether the client wants SSE; upstream always streams. */
  stream: boolean;
  /** `max_completion_tokens` / `max_tokens`: recorded, never forwarded (§5.1). */
  requestedMaxTokens?: number;
}

/** §5.1 last row: Chat parameters upstream does not take. */
const CHAT_DROPPED = [
  'temperature',
  'top_p',
  'presence_penalty',
  'frequency_penalty',
  'logit_bias',
  'logprobs',
  'top_logprobs',
  'seed',
  'stop',
  'user',
  'metadata',
  'service_tier',
  'store',
  'prediction',
  'modalities',
  'audio',
  'web_search_options',
  'max_tokens',
  'max_completion_tokens',
];

/** Chat fields this translation consumes; anything else unknown is dropped and reported. */
const CONSUMED = new Set([
  'model',
  'messages',
  'tools',
  'functions',
  'function_call',
  'tool_choice',
  'parallel_tool_calls',
  'response_format',
  'reasoning_effort',
  'reasoning',
  'verbosity',
  'prompt_cache_key',
  'stream',
  'stream_options',
  'n',
  ...CHAT_DROPPED,
]);

/** Responses fields a Chat client may add on purpose; forwarded as they are. */
const RESPONSES_PASSTHROUGH = new Set(['include']);

function invalid(message: string, param: string, code = 'invalid_value'): ClientRequestError {
  return new ClientRequestError(message, { code, param });
}

function defined(entries: Record<string, unknown>): JsonObject {
  return Object.fromEntries(Object.entries(entries).filter(([, v]) => v !== undefined));
}

function functionTool(fn: unknown, path: string): JsonObject {
  if (!isRecord(fn) || typeof fn['name'] !== 'string' || fn['name'] === '') {
    throw invalid(`Missing function name at '${path}.name'.`, `${path}.name`);
  }
  return defined({
    type: 'function',
    name: fn['name'],
    description: fn['description'],
    // Chat allows omitting parameters for a no-argument function; Responses wants a schema.
    parameters: fn['parameters'] ?? { type: 'object', properties: {} },
    // Responses would default to strict and reject non-strict schemas (§5.1).
    strict: typeof fn['strict'] === 'boolean' ? fn['strict'] : false,
  });
}

function toolToResponses(tool: unknown, path: string): JsonObject {
  if (!isRecord(tool)) throw invalid(`Invalid tool at '${path}': expected an object.`, path);
  if (tool['type'] === 'function' || (tool['type'] === undefined && isRecord(tool['function']))) {
    if (!isRecord(tool['function']) && typeof tool['name'] === 'string') return { strict: false, ...tool };
    return functionTool(tool['function'], `${path}.function`);
  }
  if (tool['type'] === 'custom' && isRecord(tool['custom'])) {
    const c = tool['custom'];
    if (typeof c['name'] !== 'string') throw invalid(`Missing name at '${path}.custom.name'.`, `${path}.custom.name`);
    return defined({ type: 'custom', name: c['name'], description: c['description'], format: c['format'] });
  }
  return tool;
}

function translateTools(chat: JsonObject): JsonObject[] | undefined {
  const tools = Array.isArray(chat['tools']) ? chat['tools'].map((t, i) => toolToResponses(t, `tools[${i}]`)) : [];
  if (Array.isArray(chat['functions'])) {
    chat['functions'].forEach((fn, i) => tools.push(functionTool(fn, `functions[${i}]`)));
  }
  if (chat['tools'] !== undefined && chat['tools'] !== null && !Array.isArray(chat['tools'])) {
    throw invalid("Invalid type for 'tools': expected an array.", 'tools');
  }
  return tools.length > 0 || Array.isArray(chat['tools']) ? tools : undefined;
}

/** A tool reference inside tool_choice: `{type:"function", function:{name}}` → `{type:"function", name}`. */
function toolReference(ref: unknown, path: string): unknown {
  if (!isRecord(ref)) return ref;
  const type = ref['type'];
  if (type !== 'function' && type !== 'custom') return ref;
  const nested = ref[type];
  const name = isRecord(nested) ? nested['name'] : ref['name'];
  if (typeof name !== 'string') throw invalid(`Missing tool name at '${path}'.`, path);
  return { type, name };
}

function translateToolChoice(chat: JsonObject): unknown {
  const choice = chat['tool_choice'];
  if (choice === undefined || choice === null) return legacyFunctionCall(chat['function_call']);
  if (!isRecord(choice)) return choice;
  if (choice['type'] === 'allowed_tools') {
    const allowed = isRecord(choice['allowed_tools']) ? choice['allowed_tools'] : choice;
    const tools = Array.isArray(allowed['tools']) ? allowed['tools'] : [];
    return {
      type: 'allowed_tools',
      mode: allowed['mode'] ?? 'auto',
      tools: tools.map((t, i) => toolReference(t, `tool_choice.allowed_tools.tools[${i}]`)),
    };
  }
  return toolReference(choice, 'tool_choice');
}

function legacyFunctionCall(call: unknown): unknown {
  if (typeof call === 'string') return call;
  if (isRecord(call) && typeof call['name'] === 'string') return { type: 'function', name: call['name'] };
  return undefined;
}

function translateFormat(format: unknown): unknown {
  if (!isRecord(format) || format['type'] !== 'json_schema') return format;
  const schema = format['json_schema'];
  if (!isRecord(schema)) throw invalid("Missing 'response_format.json_schema'.", 'response_format.json_schema');
  return defined({
    type: 'json_schema',
    name: schema['name'] ?? 'response',
    description: schema['description'],
    schema: schema['schema'],
    strict: schema['strict'],
  });
}

function translateText(chat: JsonObject): JsonObject | undefined {
  const text = defined({
    format: chat['response_format'] === null ? undefined : translateFormat(chat['response_format']),
    verbosity: chat['verbosity'] ?? undefined,
  });
  return Object.keys(text).length > 0 ? text : undefined;
}

function translateReasoning(chat: JsonObject): JsonObject | undefined {
  const reasoning: JsonObject = isRecord(chat['reasoning']) ? { ...chat['reasoning'] } : {};
  if ((reasoning['effort'] === undefined || reasoning['effort'] === null) && chat['reasoning_effort'] != null) {
    reasoning['effort'] = chat['reasoning_effort'];
  }
  return Object.keys(reasoning).length > 0 ? reasoning : undefined;
}

function checkN(n: unknown): void {
  if (n === undefined || n === null || n === 1) return;
  throw invalid(
    `Invalid value for 'n': only n=1 is supported, got ${JSON.stringify(n)}.`,
    'n',
    'unsupported_parameter',
  );
}

/**
 * Upstream has no token log probabilities. Dropping a request for them would answer `logprobs: null` to a client that
 * relies on them; like `n`, it gets a clear 400 instead. `logprobs: false` and `top_logprobs: 0` ask for nothing.
 */
function checkLogprobs(chat: JsonObject): void {
  if (chat['logprobs'] !== undefined && chat['logprobs'] !== null && chat['logprobs'] !== false) {
    throw invalid(
      "Unsupported parameter: 'logprobs' is not available through this gateway.",
      'logprobs',
      'unsupported_parameter',
    );
  }
  const top = chat['top_logprobs'];
  if (top !== undefined && top !== null && top !== 0) {
    throw invalid(
      "Unsupported parameter: 'top_logprobs' is not available through this gateway.",
      'top_logprobs',
      'unsupported_parameter',
    );
  }
}

function droppedOf(chat: JsonObject): string[] {
  return Object.keys(chat).filter(
    (key) =>
      chat[key] !== undefined && !RESPONSES_PASSTHROUGH.has(key) && (!CONSUMED.has(key) || CHAT_DROPPED.includes(key)),
  );
}

/** Chat Completions request → Responses request (PROTOCOL.md §5.1, §5.2). Run normalizeResponsesRequest on `body`. */
export function chatToResponsesRequest(chat: unknown): ChatTranslation {
  if (!isRecord(chat)) throw new ClientRequestError('The request body must be a JSON object.', { param: null });
  const model = nonEmptyString(chat['model']);
  if (model === undefined) throw invalid('You must provide a model parameter.', 'model', 'invalid_request_error');
  checkN(chat['n']);
  checkLogprobs(chat);
  const { instructions, input } = translateMessages(chat['messages']);
  const body = defined({
    model,
    instructions,
    input,
    tools: translateTools(chat),
    tool_choice: translateToolChoice(chat),
    parallel_tool_calls: typeof chat['parallel_tool_calls'] === 'boolean' ? chat['parallel_tool_calls'] : undefined,
    text: translateText(chat),
    reasoning: translateReasoning(chat),
    prompt_cache_key: nonEmptyString(chat['prompt_cache_key']),
    include: chat['include'],
  });
  const streamOptions = isRecord(chat['stream_options']) ? chat['stream_options'] : {};
  const stream = chat['stream'] === true;
  const translation: ChatTranslation = {
    body,
    droppedParams: droppedOf(chat),
    includeUsage: stream && streamOptions['include_usage'] === true,
    stream,
  };
  const maxTokens = finiteNumber(chat['max_completion_tokens'] ?? chat['max_tokens']);
  if (maxTokens !== undefined) translation.requestedMaxTokens = maxTokens;
  return translation;
}
