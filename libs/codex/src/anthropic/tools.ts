import { isRecord, type JsonObject } from '../json';
import { invalid } from './content';

/** Anthropic's web search server tool runs upstream as the Responses `web_search` tool; its text answer comes back. */
const WEB_SEARCH = /^web_search_\d+$/;

/** A schema as Responses takes it: Claude Code's schemas carry `$schema`, which a function's parameters do not need. */
function parameters(schema: unknown, at: string): JsonObject {
  if (schema === undefined || schema === null) return { type: 'object', properties: {} };
  if (!isRecord(schema)) throw invalid(`'${at}.input_schema' must be an object.`, `${at}.input_schema`);
  const { $schema: _dropped, ...rest } = schema;
  return rest;
}

function translateTool(tool: unknown, i: number): JsonObject {
  const at = `tools[${i}]`;
  if (!isRecord(tool)) throw invalid(`Invalid type for '${at}': expected an object.`, at);
  const type = tool['type'];
  if (typeof type === 'string' && WEB_SEARCH.test(type)) return { type: 'web_search' };
  if (type !== undefined && type !== null && type !== 'custom') {
    throw invalid(
      `${at}: the server tool type ${JSON.stringify(type)} is not supported by this gateway; define it as a client tool with input_schema.`,
      `${at}.type`,
    );
  }
  if (typeof tool['name'] !== 'string' || tool['name'] === '')
    throw invalid(`${at}.name: Field required`, `${at}.name`);
  const out: JsonObject = { type: 'function', name: tool['name'] };
  if (typeof tool['description'] === 'string') out['description'] = tool['description'];
  out['parameters'] = parameters(tool['input_schema'], at);
  // Responses would default to strict and reject the usual non-strict schemas (as for Chat, §5.1).
  out['strict'] = false;
  return out;
}

/** `tools` with `input_schema` → flat function tools; undefined when there are none. */
export function translateTools(tools: unknown): JsonObject[] | undefined {
  if (tools === undefined || tools === null) return undefined;
  if (!Array.isArray(tools)) throw invalid("Invalid type for 'tools': expected an array.", 'tools');
  const translated = tools.map(translateTool);
  return translated.length > 0 ? translated : undefined;
}

/** `tool_choice` auto / any / tool / none → auto / required / function / none. */
export function translateToolChoice(choice: unknown): unknown {
  if (choice === undefined || choice === null) return undefined;
  if (!isRecord(choice)) throw invalid('tool_choice: expected an object.', 'tool_choice');
  switch (choice['type']) {
    case 'auto':
      return 'auto';
    case 'any':
      return 'required';
    case 'none':
      return 'none';
    case 'tool':
      if (typeof choice['name'] !== 'string') throw invalid('tool_choice.name: Field required', 'tool_choice.name');
      return { type: 'function', name: choice['name'] };
    default:
      throw invalid(
        `tool_choice.type: ${JSON.stringify(choice['type'])} is not one of 'auto', 'any', 'tool', 'none'.`,
        'tool_choice.type',
      );
  }
}
