import { createHash } from 'node:crypto';
import { DEFAULT_INSTRUCTIONS, ENCRYPTED_REASONING_INCLUDE, SESSION_HEADER_NAMES } from './constants';
import { clampEffort } from './effort';
import { ClientRequestError } from './errors';
import { headerGetter, type HeaderSource } from './headers';
import { isRecord, nonEmptyString, type JsonObject } from './json';

/** What the model catalogue tells normalisation about a model (§2.2 #10, #11). */
export interface CatalogueHints {
  supportedReasoningLevels?: readonly unknown[];
  supportVerbosity?: boolean;
}

export interface NormalizeOptions {
  /** The client's request headers, for the session key (§2.4). */
  headers?: HeaderSource;
  catalogue?: (model: string) => CatalogueHints | undefined;
  /** `POST /responses/compact` (§2.5). */
  compact?: boolean;
  /** A native `/v1/responses` request (default true); Chat translations pass false. */
  native?: boolean;
  /** Chat translations without a session key may derive one from the conversation prefix (§2.4). */
  deriveSessionKey?: boolean;
  clientKeyId?: string | null;
}

export interface NormalizedRequest {
  body: JsonObject;
  upstreamModel: string;
  sessionKey: string | undefined;
  droppedParams: string[];
}

/** §2.2 #13: parameters upstream answers with `Unsupported parameter`. */
export const STRIPPED_PARAMS = [
  'max_output_tokens',
  'max_tool_calls',
  'temperature',
  'top_p',
  'presence_penalty',
  'frequency_penalty',
  'seed',
  'logprobs',
  'top_logprobs',
  'metadata',
  'user',
  'safety_identifier',
  'service_tier',
  'truncation',
  'background',
  'stream_options',
] as const;

/** §2.5: fields the compact endpoint rejects. */
const COMPACT_FORBIDDEN = ['store', 'stream', 'include', 'tool_choice', 'parallel_tool_calls'] as const;

function userMessage(text: string): JsonObject {
  return { type: 'message', role: 'user', content: [{ type: 'input_text', text }] };
}

function rejectContinuations(body: JsonObject): void {
  for (const param of ['previous_response_id', 'conversation']) {
    const value = body[param];
    if (value === undefined || value === null) {
      delete body[param];
      continue;
    }
    throw new ClientRequestError(
      `'${param}' is not supported: this proxy stores nothing upstream, so send the full conversation in 'input'.`,
      { code: 'unsupported_parameter', param },
    );
  }
}

function resolveModel(body: JsonObject): string {
  const model = nonEmptyString(body['model']);
  if (model === undefined) throw new ClientRequestError('You must provide a model parameter.', { param: 'model' });
  const bare = model.slice(model.lastIndexOf('/') + 1).trim();
  if (bare === '') throw new ClientRequestError(`Invalid model '${model}'.`, { code: 'invalid_value', param: 'model' });
  return bare;
}

/** Upstream rejects `input_text` in assistant history (§2.2 item constraints); it is the same text as `output_text`. */
function fixAssistantParts(item: JsonObject): JsonObject {
  if (item['role'] !== 'assistant' || !Array.isArray(item['content'])) return item;
  const content = item['content'].map((part) =>
    isRecord(part) && part['type'] === 'input_text' ? { ...part, type: 'output_text' } : part,
  );
  return { ...item, content };
}

function normalizeInput(body: JsonObject, dropped: string[]): void {
  const prompt = body['prompt'];
  if (body['input'] === undefined && typeof prompt === 'string') body['input'] = prompt;
  else if (prompt !== undefined) dropped.push('prompt');
  delete body['prompt'];
  const input = body['input'] ?? [];
  if (typeof input === 'string') {
    body['input'] = [userMessage(input)];
    return;
  }
  if (!Array.isArray(input)) {
    throw new ClientRequestError("Invalid type for 'input': expected a string or an array of input items.", {
      code: 'invalid_value',
      param: 'input',
    });
  }
  body['input'] = input.map((item, i) => {
    if (!isRecord(item)) {
      throw new ClientRequestError(`Invalid type for 'input[${i}]': expected an object.`, {
        code: 'invalid_value',
        param: `input[${i}]`,
      });
    }
    return fixAssistantParts(item);
  });
}

function applyToolDefaults(body: JsonObject): void {
  const tools = body['tools'];
  const hasTools = Array.isArray(tools) && tools.length > 0;
  if (!hasTools) {
    delete body['tool_choice'];
    return;
  }
  if (body['tool_choice'] === undefined || body['tool_choice'] === null) body['tool_choice'] = 'auto';
  if (body['parallel_tool_calls'] === undefined || body['parallel_tool_calls'] === null)
    body['parallel_tool_calls'] = true;
}

function normalizeReasoning(body: JsonObject, model: string, hints: CatalogueHints | undefined): void {
  const flat = body['reasoning_effort'];
  delete body['reasoning_effort'];
  const given = body['reasoning'];
  const reasoning: JsonObject = isRecord(given) ? { ...given } : {};
  if (typeof given === 'string') reasoning['effort'] = given;
  if ((reasoning['effort'] === undefined || reasoning['effort'] === null) && flat !== undefined && flat !== null) {
    reasoning['effort'] = flat;
  }
  const effort = clampEffort(model, reasoning['effort'], hints?.supportedReasoningLevels);
  if (effort === undefined) delete reasoning['effort'];
  else reasoning['effort'] = effort;
  if (Object.keys(reasoning).length === 0) delete body['reasoning'];
  else body['reasoning'] = reasoning;
}

function normalizeText(body: JsonObject, hints: CatalogueHints | undefined, dropped: string[]): void {
  const text = body['text'];
  if (!isRecord(text)) {
    if (text !== undefined) delete body['text'];
    return;
  }
  const copy = { ...text };
  if (copy['verbosity'] !== undefined && hints?.supportVerbosity !== true) {
    delete copy['verbosity'];
    dropped.push('text.verbosity');
  }
  if (Object.keys(copy).length === 0) delete body['text'];
  else body['text'] = copy;
}

function stripUnsupported(body: JsonObject, dropped: string[]): void {
  for (const name of STRIPPED_PARAMS) {
    if (!(name in body)) continue;
    if (body[name] !== undefined) dropped.push(name);
    delete body[name];
  }
}

function applyStreamingFlags(body: JsonObject, opts: NormalizeOptions, dropped: string[]): void {
  if (opts.compact) {
    for (const name of COMPACT_FORBIDDEN) {
      if (body[name] !== undefined) dropped.push(name);
      delete body[name];
    }
    return;
  }
  body['store'] = false;
  body['stream'] = true;
  if (opts.native === false) {
    if (body['include'] !== undefined && !Array.isArray(body['include'])) delete body['include'];
    return;
  }
  const include = Array.isArray(body['include']) ? [...(body['include'] as unknown[])] : [];
  if (!include.includes(ENCRYPTED_REASONING_INCLUDE)) include.push(ENCRYPTED_REASONING_INCLUDE);
  body['include'] = include;
}

/** §2.4: body prompt_cache_key, then the session headers, trimmed. */
export function sessionKeyOf(body: JsonObject, headers: HeaderSource | undefined): string | undefined {
  const fromBody = nonEmptyString(body['prompt_cache_key']);
  if (fromBody !== undefined) return fromBody;
  const get = headerGetter(headers);
  for (const name of SESSION_HEADER_NAMES) {
    const value = get(name);
    if (value !== undefined) return value;
  }
  return undefined;
}

/**
 * A stable key for a conversation prefix, so Chat clients without one still hit the prompt cache (§2.4).
 *
 * The instructions (40 KB for a Codex CLI turn, on every such request) are hashed as they are, after a JSON head that
 * frames the other parts: JSON-stringifying them first cost more than the hash. The head is a JSON array, which ends
 * where it says, so different parts never give the same material. This changed every derived key once (keys made
 * before it no longer match, so a session started before the upgrade moves to a fresh prompt-cache key once).
 */
export function deriveSessionKey(parts: {
  clientKeyId?: string | null;
  model: string;
  instructions?: unknown;
  firstItem?: unknown;
}): string {
  const instructions = parts.instructions ?? null;
  const plainText = typeof instructions === 'string';
  const head = JSON.stringify([parts.clientKeyId ?? null, parts.model, parts.firstItem ?? null, plainText]);
  const hash = createHash('sha256').update(head);
  hash.update(plainText ? instructions : JSON.stringify(instructions));
  return `mcp-${hash.digest('hex').slice(0, 32)}`;
}

/**
 * Turns a client's Responses request into the body we send upstream (PROTOCOL.md §2.2, §2.4, §2.5). Never mutates
 * `input`. Throws ClientRequestError (with `param`) for requests we refuse.
 */
export function normalizeResponsesRequest(input: unknown, opts: NormalizeOptions = {}): NormalizedRequest {
  if (!isRecord(input)) throw new ClientRequestError('The request body must be a JSON object.', { param: null });
  const body: JsonObject = { ...input };
  const dropped: string[] = [];
  rejectContinuations(body);
  const upstreamModel = resolveModel(body);
  body['model'] = upstreamModel;
  const hints = opts.catalogue?.(upstreamModel);
  normalizeInput(body, dropped);
  if (nonEmptyString(body['instructions']) === undefined) body['instructions'] = DEFAULT_INSTRUCTIONS;
  if (body['tools'] === null) delete body['tools'];
  if (!opts.compact) applyToolDefaults(body);
  normalizeReasoning(body, upstreamModel, hints);
  normalizeText(body, hints, dropped);
  stripUnsupported(body, dropped);
  applyStreamingFlags(body, opts, dropped);
  let sessionKey = sessionKeyOf(body, opts.headers);
  if (sessionKey === undefined && opts.deriveSessionKey) {
    const firstItem = (body['input'] as unknown[])[0];
    sessionKey = deriveSessionKey({
      clientKeyId: opts.clientKeyId,
      model: upstreamModel,
      instructions: body['instructions'],
      firstItem,
    });
  }
  if (sessionKey !== undefined) body['prompt_cache_key'] = sessionKey;
  else delete body['prompt_cache_key'];
  return { body, upstreamModel, sessionKey, droppedParams: dropped };
}
