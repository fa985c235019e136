import { ClientRequestError } from './errors';
import { isRecord, type JsonObject } from './json';

/** Chat `messages` → Responses `instructions` + `input` items (PROTOCOL.md §5.1, §5.2). */
export interface TranslatedMessages {
  instructions: string | undefined;
  input: JsonObject[];
}

type CallKind = 'function' | 'custom';

/** Tool calls seen so far, so that tool results can be paired with them (upstream requires it with store:false). */
interface CallLedger {
  kinds: Map<string, CallKind>;
  legacyPending: { callId: string; name: string }[];
}

function invalid(message: string, param: string, code = 'invalid_value'): ClientRequestError {
  return new ClientRequestError(message, { code, param });
}

function userText(text: string): JsonObject {
  return { type: 'message', role: 'user', content: [{ type: 'input_text', text }] };
}

/** The text of string content or of its `text` parts; other part types are refused unless listed in `extra`. */
function textParts(content: unknown, path: string, extra: string[] = []): { texts: string[]; others: JsonObject[] } {
  if (content === undefined || content === null) return { texts: [], others: [] };
  if (typeof content === 'string') return { texts: [content], others: [] };
  if (!Array.isArray(content))
    throw invalid(`Invalid type for '${path}': expected a string or an array of parts.`, path);
  const texts: string[] = [];
  const others: JsonObject[] = [];
  content.forEach((part, j) => {
    const at = `${path}[${j}]`;
    if (typeof part === 'string') texts.push(part);
    else if (isRecord(part) && part['type'] === 'text' && typeof part['text'] === 'string') texts.push(part['text']);
    else if (isRecord(part) && typeof part['type'] === 'string' && extra.includes(part['type'])) others.push(part);
    else throw invalid(`Unsupported content part at '${at}': ${describePart(part)}.`, at);
  });
  return { texts, others };
}

function describePart(part: unknown): string {
  return isRecord(part) && typeof part['type'] === 'string' ? `type '${part['type']}'` : 'expected a text part';
}

function imagePart(part: JsonObject, at: string): JsonObject {
  const image = part['image_url'];
  const url = typeof image === 'string' ? image : isRecord(image) ? image['url'] : undefined;
  if (typeof url !== 'string' || url.trim() === '') throw invalid(`Missing image URL at '${at}'.`, at);
  const detail = isRecord(image) && typeof image['detail'] === 'string' ? image['detail'] : 'auto';
  return { type: 'input_image', image_url: url, detail };
}

function filePart(part: JsonObject, at: string): JsonObject {
  const file = isRecord(part['file']) ? part['file'] : {};
  if (file['file_id'] !== undefined) {
    throw invalid(
      `File ids are not supported at '${at}' (there is no Files API); send 'file_data' instead.`,
      at,
      'unsupported_parameter',
    );
  }
  if (typeof file['file_data'] !== 'string') throw invalid(`Missing 'file_data' at '${at}'.`, at);
  const out: JsonObject = { type: 'input_file', file_data: file['file_data'] };
  if (typeof file['filename'] === 'string') out['filename'] = file['filename'];
  return out;
}

function userPart(part: unknown, at: string): JsonObject {
  if (typeof part === 'string') return { type: 'input_text', text: part };
  if (!isRecord(part)) throw invalid(`Unsupported content part at '${at}': expected an object.`, at);
  switch (part['type']) {
    case 'text':
      if (typeof part['text'] !== 'string') throw invalid(`Missing 'text' at '${at}'.`, at);
      return { type: 'input_text', text: part['text'] };
    case 'image_url':
      return imagePart(part, at);
    case 'file':
      return filePart(part, at);
    default:
      throw invalid(`Unsupported content part at '${at}': ${describePart(part)}.`, at);
  }
}

function userItem(message: JsonObject, i: number): JsonObject {
  const content = message['content'];
  if (typeof content === 'string') return userText(content);
  if (!Array.isArray(content)) throw invalid(`Invalid type for 'messages[${i}].content'.`, `messages[${i}].content`);
  return {
    type: 'message',
    role: 'user',
    content: content.map((part, j) => userPart(part, `messages[${i}].content[${j}]`)),
  };
}

function stringifyArguments(value: unknown): string {
  if (typeof value === 'string') return value;
  return value === undefined || value === null ? '{}' : JSON.stringify(value);
}

function toolCallItem(call: unknown, path: string, ledger: CallLedger): JsonObject {
  if (!isRecord(call)) throw invalid(`Invalid tool call at '${path}'.`, path);
  const id = call['id'];
  if (typeof id !== 'string' || id === '') throw invalid(`Missing tool call id at '${path}.id'.`, `${path}.id`);
  const type = call['type'] ?? (isRecord(call['custom']) ? 'custom' : 'function');
  if (type === 'custom' && isRecord(call['custom'])) {
    const { name, input } = call['custom'];
    if (typeof name !== 'string') throw invalid(`Missing name at '${path}.custom.name'.`, `${path}.custom.name`);
    ledger.kinds.set(id, 'custom');
    return {
      type: 'custom_tool_call',
      call_id: id,
      name,
      input: typeof input === 'string' ? input : JSON.stringify(input ?? ''),
    };
  }
  const fn = call['function'];
  if (type !== 'function' || !isRecord(fn)) throw invalid(`Unsupported tool call at '${path}'.`, `${path}.type`);
  if (typeof fn['name'] !== 'string')
    throw invalid(`Missing name at '${path}.function.name'.`, `${path}.function.name`);
  ledger.kinds.set(id, 'function');
  return { type: 'function_call', call_id: id, name: fn['name'], arguments: stringifyArguments(fn['arguments']) };
}

function assistantItems(message: JsonObject, i: number, ledger: CallLedger): JsonObject[] {
  const { texts, others } = textParts(message['content'], `messages[${i}].content`, ['refusal']);
  const parts: JsonObject[] = texts.filter((t) => t !== '').map((text) => ({ type: 'output_text', text }));
  for (const part of others)
    if (typeof part['refusal'] === 'string') parts.push({ type: 'refusal', refusal: part['refusal'] });
  if (typeof message['refusal'] === 'string' && message['refusal'] !== '')
    parts.push({ type: 'refusal', refusal: message['refusal'] });
  const items: JsonObject[] = parts.length > 0 ? [{ type: 'message', role: 'assistant', content: parts }] : [];
  const calls = message['tool_calls'];
  if (Array.isArray(calls))
    calls.forEach((call, k) => items.push(toolCallItem(call, `messages[${i}].tool_calls[${k}]`, ledger)));
  const legacy = message['function_call'];
  if (isRecord(legacy) && typeof legacy['name'] === 'string') {
    const callId = `call_legacy_${i}`;
    ledger.kinds.set(callId, 'function');
    ledger.legacyPending.push({ callId, name: legacy['name'] });
    items.push({
      type: 'function_call',
      call_id: callId,
      name: legacy['name'],
      arguments: stringifyArguments(legacy['arguments']),
    });
  }
  return items;
}

function outputText(message: JsonObject, i: number): string {
  return textParts(message['content'], `messages[${i}].content`).texts.join('\n');
}

function toolOutputItem(message: JsonObject, i: number, ledger: CallLedger): JsonObject {
  const callId = message['tool_call_id'];
  const kind = typeof callId === 'string' ? ledger.kinds.get(callId) : undefined;
  if (typeof callId !== 'string' || kind === undefined) {
    throw invalid(
      `Invalid 'messages[${i}].tool_call_id': no preceding assistant message has a tool call with id ${JSON.stringify(callId ?? null)}.`,
      `messages[${i}].tool_call_id`,
    );
  }
  const type = kind === 'custom' ? 'custom_tool_call_output' : 'function_call_output';
  return { type, call_id: callId, output: outputText(message, i) };
}

function legacyFunctionOutput(message: JsonObject, i: number, ledger: CallLedger): JsonObject {
  const pending = ledger.legacyPending;
  const byName = pending.findIndex((p) => p.name === message['name']);
  const index = byName >= 0 ? byName : pending.length > 0 ? 0 : -1;
  const match = pending[index];
  if (match === undefined) {
    throw invalid(
      `'messages[${i}]' is a function result without a preceding assistant function_call.`,
      `messages[${i}]`,
    );
  }
  pending.splice(index, 1);
  return { type: 'function_call_output', call_id: match.callId, output: outputText(message, i) };
}

function isUserMessage(item: JsonObject | undefined): boolean {
  return item !== undefined && item['type'] === 'message' && item['role'] === 'user';
}

/** Translates Chat messages; throws ClientRequestError with the offending `messages[…]` path. */
export function translateMessages(messages: unknown): TranslatedMessages {
  if (!Array.isArray(messages) || messages.length === 0) {
    throw invalid("'messages' must be a non-empty array.", 'messages');
  }
  const ledger: CallLedger = { kinds: new Map(), legacyPending: [] };
  const system: string[] = [];
  const input: JsonObject[] = [];
  messages.forEach((message, i) => {
    if (!isRecord(message)) throw invalid(`Invalid type for 'messages[${i}]': expected an object.`, `messages[${i}]`);
    const role = message['role'];
    if (role === 'system' || role === 'developer') system.push(outputText(message, i));
    else if (role === 'user') input.push(userItem(message, i));
    else if (role === 'assistant') input.push(...assistantItems(message, i, ledger));
    else if (role === 'tool') input.push(toolOutputItem(message, i, ledger));
    else if (role === 'function') input.push(legacyFunctionOutput(message, i, ledger));
    else
      throw invalid(`Invalid value for 'messages[${i}].role': ${JSON.stringify(role ?? null)}.`, `messages[${i}].role`);
  });
  // Upstream has rejected conversations that do not open with a user turn (§5.2).
  if (!isUserMessage(input[0])) input.unshift(userText(' '));
  const instructions = system.filter((s) => s.trim() !== '').join('\n\n');
  return { instructions: instructions === '' ? undefined : instructions, input };
}
