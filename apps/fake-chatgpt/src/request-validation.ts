import { findModel, type ModelInfo } from './models-catalogue';
import { HttpError } from './http-util';
import type { AccountRecord } from './types';

/** Parameters the Codex backend refuses (PROTOCOL §2.2 #13, plus continuation fields). */
const REJECTED_PARAMS = [
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
  'prompt',
  'previous_response_id',
  'conversation',
];
const COMPACT_REJECTED = ['store', 'stream', 'include', 'tool_choice', 'parallel_tool_calls'];
const EFFORTS = ['none', 'minimal', 'low', 'medium', 'high', 'xhigh'];
const SUMMARIES = ['auto', 'concise', 'detailed', 'none'];
const USER_PARTS = ['input_text', 'input_image', 'input_file'];
const ASSISTANT_PARTS = ['output_text', 'refusal'];

export type Item = Record<string, unknown>;

export interface ValidatedRequest {
  body: Record<string, unknown>;
  model: ModelInfo;
  input: Item[];
  tools: Item[];
  /** A remote compaction v2 request (compaction.ts decides). */
  compaction?: boolean;
}

function detail(message: string): HttpError {
  return new HttpError(400, { detail: message });
}

function invalid(message: string, param: string | null, code: string | null = 'invalid_value'): HttpError {
  return new HttpError(400, { error: { message, type: 'invalid_request_error', param, code } });
}

function quoteList(values: readonly string[]): string {
  const q = values.map((v) => `'${v}'`);
  return q.length < 2 ? q.join('') : `${q.slice(0, -1).join(', ')} and ${q[q.length - 1]}`;
}

export function modelNotSupported(model: string): HttpError {
  return detail(`The '${model}' model is not supported when using Codex with a ChatGPT account.`);
}

export function validateRequest(
  body: Record<string, unknown>,
  account: AccountRecord,
  kind: 'responses' | 'compact',
): ValidatedRequest {
  const rejected = kind === 'compact' ? [...COMPACT_REJECTED, ...REJECTED_PARAMS] : REJECTED_PARAMS;
  for (const name of rejected) if (name in body) throw detail(`Unsupported parameter: ${name}`);
  if (kind === 'responses') {
    if (body.store !== false) throw detail('Store must be set to false');
    if (body.stream !== true) throw detail('Stream must be set to true');
  }
  if (typeof body.instructions !== 'string' || body.instructions.trim() === '') {
    throw detail('Instructions are required');
  }
  if (typeof body.model !== 'string' || body.model === '') throw detail('Model is required');
  const model = findModel(body.model);
  if (!model || !account.models.includes(body.model)) throw modelNotSupported(body.model);
  if (!Array.isArray(body.input)) throw detail('Input must be a list');
  const input = validateItems(body.input);
  validateReasoning(body.reasoning, model);
  validateText(body.text, model);
  return { body, model, input, tools: validateTools(body.tools) };
}

function validateItems(raw: unknown[]): Item[] {
  const calls = { function_call: new Set<string>(), custom_tool_call: new Set<string>() };
  raw.forEach((item, i) => {
    if (!item || typeof item !== 'object' || Array.isArray(item)) {
      throw invalid(`Invalid type for 'input[${i}]': expected an object.`, `input[${i}]`, 'invalid_type');
    }
    const it = item as Item;
    const type = typeof it.type === 'string' ? it.type : it.role !== undefined ? 'message' : undefined;
    if (!type)
      throw invalid(
        `Missing required parameter: 'input[${i}].type'.`,
        `input[${i}].type`,
        'missing_required_parameter',
      );
    if (type === 'message') validateMessage(it, i);
    else if (type === 'function_call' || type === 'custom_tool_call') {
      if (typeof it.call_id !== 'string') {
        throw invalid(
          `Missing required parameter: 'input[${i}].call_id'.`,
          `input[${i}].call_id`,
          'missing_required_parameter',
        );
      }
      calls[type].add(it.call_id);
    } else if (type === 'function_call_output' || type === 'custom_tool_call_output') {
      const callType = type === 'function_call_output' ? 'function_call' : 'custom_tool_call';
      const label = type === 'function_call_output' ? 'function call output' : 'custom tool call output';
      if (typeof it.call_id !== 'string' || !calls[callType].has(it.call_id)) {
        throw invalid(`No tool call found for ${label} with call_id ${String(it.call_id)}.`, 'input', null);
      }
    } else if (type === 'item_reference' || (type === 'reasoning' && !nonEmpty(it.encrypted_content))) {
      throw invalid(
        `Item with id '${String(it.id)}' not found. Items are not persisted when \`store\` is set to false. Try again with \`store\` set to true, or remove this item from your input.`,
        'input',
        null,
      );
    }
  });
  return raw as Item[];
}

function nonEmpty(v: unknown): boolean {
  return typeof v === 'string' && v.length > 0;
}

function validateMessage(it: Item, i: number): void {
  const roles = ['user', 'assistant', 'system', 'developer'];
  if (typeof it.role !== 'string' || !roles.includes(it.role)) {
    throw invalid(
      `Invalid value: '${String(it.role)}'. Supported values are: ${quoteList(roles)}.`,
      `input[${i}].role`,
    );
  }
  if (typeof it.content === 'string') return;
  if (!Array.isArray(it.content)) {
    throw invalid(
      `Invalid type for 'input[${i}].content': expected a string or an array.`,
      `input[${i}].content`,
      'invalid_type',
    );
  }
  const allowed = it.role === 'assistant' ? ASSISTANT_PARTS : USER_PARTS;
  it.content.forEach((part: unknown, j) => {
    const type = part && typeof part === 'object' ? (part as Item).type : undefined;
    if (typeof type !== 'string' || !allowed.includes(type)) {
      throw invalid(
        `Invalid value: '${String(type)}'. Supported values are: ${quoteList(allowed)}.`,
        `input[${i}].content[${j}]`,
      );
    }
  });
}

function validateReasoning(reasoning: unknown, model: ModelInfo): void {
  if (reasoning === undefined || reasoning === null) return;
  if (typeof reasoning !== 'object' || Array.isArray(reasoning)) {
    throw invalid("Invalid type for 'reasoning': expected an object.", 'reasoning', 'invalid_type');
  }
  const { effort, summary } = reasoning as Item;
  if (effort !== undefined && effort !== null) {
    const supported = model.supported_reasoning_levels.map((l) => l.effort);
    if (typeof effort !== 'string' || !EFFORTS.includes(effort)) {
      throw invalid(
        `Invalid value: '${String(effort)}'. Supported values are: ${quoteList(EFFORTS)}.`,
        'reasoning.effort',
      );
    }
    if (!supported.includes(effort)) {
      throw invalid(
        `Unsupported value: '${effort}' is not supported with the '${model.slug}' model. Supported values are: ${quoteList(supported)}.`,
        'reasoning.effort',
        'unsupported_value',
      );
    }
  }
  if (summary !== undefined && summary !== null && (typeof summary !== 'string' || !SUMMARIES.includes(summary))) {
    throw invalid(
      `Invalid value: '${String(summary)}'. Supported values are: ${quoteList(SUMMARIES)}.`,
      'reasoning.summary',
    );
  }
}

function validateText(text: unknown, model: ModelInfo): void {
  if (text === undefined || text === null) return;
  if (typeof text !== 'object' || Array.isArray(text)) {
    throw invalid("Invalid type for 'text': expected an object.", 'text', 'invalid_type');
  }
  const { verbosity, format } = text as Item;
  if (verbosity !== undefined && verbosity !== null && verbosity !== 'medium' && !model.support_verbosity) {
    throw invalid(
      `Unsupported value: '${String(verbosity)}' is not supported with the '${model.slug}' model. Supported values are: 'medium'.`,
      'text.verbosity',
      'unsupported_value',
    );
  }
  if (format !== undefined && format !== null) {
    const type = typeof format === 'object' ? (format as Item).type : undefined;
    const formats = ['text', 'json_object', 'json_schema'];
    if (typeof type !== 'string' || !formats.includes(type)) {
      throw invalid(
        `Invalid value: '${String(type)}'. Supported values are: ${quoteList(formats)}.`,
        'text.format.type',
      );
    }
    if (type === 'json_schema' && typeof (format as Item).name !== 'string') {
      throw invalid(
        "Missing required parameter: 'text.format.name'.",
        'text.format.name',
        'missing_required_parameter',
      );
    }
  }
}

function validateTools(tools: unknown): Item[] {
  if (tools === undefined || tools === null) return [];
  if (!Array.isArray(tools)) throw invalid("Invalid type for 'tools': expected an array.", 'tools', 'invalid_type');
  tools.forEach((tool: unknown, i) => {
    const t = tool && typeof tool === 'object' ? (tool as Item) : undefined;
    if (!t || typeof t.type !== 'string') {
      throw invalid(
        `Missing required parameter: 'tools[${i}].type'.`,
        `tools[${i}].type`,
        'missing_required_parameter',
      );
    }
    if ((t.type === 'function' || t.type === 'custom') && typeof t.name !== 'string') {
      throw invalid(
        `Missing required parameter: 'tools[${i}].name'.`,
        `tools[${i}].name`,
        'missing_required_parameter',
      );
    }
  });
  return tools as Item[];
}
