import { headerGetter, type HeaderSource } from '../headers';
import { isRecord, nonEmptyString, tryParseJson, type JsonObject } from '../json';
import { invalid, translateConversation } from './content';
import { resolveAnthropicModel, type AnthropicModelMap } from './model-map';
import { reasoningFor } from './thinking';
import { translateToolChoice, translateTools } from './tools';

export interface AnthropicRequestOptions {
  modelMap: AnthropicModelMap;
  headers?: HeaderSource;
}

/** A Messages request as a Responses request, before the §2.2 normalisation every request gets. */
export interface AnthropicTranslation {
  body: JsonObject;
  /** The model string the client sent: the answer echoes it. */
  clientModel: string;
  stream: boolean;
  /** Reasoning summaries become `thinking` blocks only when the client turned thinking on. */
  thinking: boolean;
  droppedParams: string[];
  /** `max_tokens`: validated and recorded, never forwarded (upstream rejects an output cap). */
  requestedMaxTokens?: number;
}

/** Fields this translation reads; any other top-level field is dropped and listed. */
const CONSUMED = new Set([
  'model',
  'messages',
  'system',
  'tools',
  'tool_choice',
  'thinking',
  'output_config',
  'stream',
]);

/** Claude Code's session header; its `metadata.user_id` (a JSON string) carries the same id (PROTOCOL.md §14). */
const CLAUDE_SESSION_HEADER = 'x-claude-code-session-id';

function sessionIdOf(body: JsonObject, headers: HeaderSource | undefined): string | undefined {
  const fromHeader = headerGetter(headers)(CLAUDE_SESSION_HEADER);
  if (fromHeader !== undefined) return fromHeader;
  const metadata = isRecord(body['metadata']) ? body['metadata'] : undefined;
  const userId = typeof metadata?.['user_id'] === 'string' ? tryParseJson(metadata['user_id']) : undefined;
  return isRecord(userId) ? nonEmptyString(userId['session_id']) : undefined;
}

function maxTokensOf(value: unknown): number | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) {
    throw invalid('max_tokens: must be a positive integer.', 'max_tokens');
  }
  return value;
}

/** `output_config.format` (structured outputs) → `text.format`. */
function textFormat(outputConfig: JsonObject | undefined): JsonObject | undefined {
  const format = outputConfig?.['format'];
  if (format === undefined || format === null) return undefined;
  if (!isRecord(format) || format['type'] !== 'json_schema' || !isRecord(format['schema'])) {
    throw invalid("output_config.format: only {type:'json_schema', schema} is supported.", 'output_config.format');
  }
  return { format: { type: 'json_schema', name: 'output', schema: format['schema'], strict: false } };
}

function defined(entries: Record<string, unknown>): JsonObject {
  return Object.fromEntries(Object.entries(entries).filter(([, v]) => v !== undefined));
}

/**
 * Anthropic Messages request → Responses request (PROTOCOL.md §14). Run normalizeResponsesRequest on `body`.
 * Throws ClientRequestError (with `param`) for what we refuse.
 */
export function anthropicToResponsesRequest(request: unknown, options: AnthropicRequestOptions): AnthropicTranslation {
  if (!isRecord(request)) throw invalid('The request body must be a JSON object.', null);
  const clientModel = nonEmptyString(request['model']);
  if (clientModel === undefined) throw invalid('model: Field required', 'model');
  if (request['mcp_servers'] !== undefined) {
    throw invalid('mcp_servers: remote MCP servers are not supported by this gateway.', 'mcp_servers');
  }
  const requestedMaxTokens = maxTokensOf(request['max_tokens']);
  const { instructions, input } = translateConversation(request['system'], request['messages']);
  const outputConfig = isRecord(request['output_config']) ? request['output_config'] : undefined;
  const tools = translateTools(request['tools']);
  const reasoning = reasoningFor(request['thinking'], outputConfig);
  const body = defined({
    model: resolveAnthropicModel(clientModel, options.modelMap),
    instructions,
    input,
    tools,
    tool_choice: tools ? translateToolChoice(request['tool_choice']) : undefined,
    parallel_tool_calls: parallelToolCalls(request['tool_choice'], tools),
    reasoning: reasoning.reasoning,
    text: textFormat(outputConfig),
    prompt_cache_key: sessionIdOf(request, options.headers),
  });
  const translation: AnthropicTranslation = {
    body,
    clientModel,
    stream: request['stream'] === true,
    thinking: reasoning.thinking,
    droppedParams: Object.keys(request).filter((key) => !CONSUMED.has(key) && request[key] !== undefined),
  };
  if (requestedMaxTokens !== undefined) translation.requestedMaxTokens = requestedMaxTokens;
  return translation;
}

function parallelToolCalls(choice: unknown, tools: JsonObject[] | undefined): boolean | undefined {
  if (!tools) return undefined;
  return isRecord(choice) && choice['disable_parallel_tool_use'] === true ? false : undefined;
}
