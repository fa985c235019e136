import { ClientRequestError } from '../errors';
import { isRecord, type JsonObject } from '../json';

/** Anthropic `messages` (and `system`) → Responses `instructions` + `input` items (PROTOCOL.md §14, first bullet). */
export interface TranslatedConversation {
  instructions: string | undefined;
  input: JsonObject[];
}

type Role = 'user' | 'assistant';

/** Claude Code's first system block: a per-session billing line, meaningless upstream and fatal to prompt caching. */
const BILLING_LINE = /^x-anthropic-billing-header:/;

export function invalid(message: string, param: string | null, code = 'invalid_value'): ClientRequestError {
  return new ClientRequestError(message, { code, param });
}

function unsupported(message: string, param: string): ClientRequestError {
  return new ClientRequestError(message, { code: 'unsupported_parameter', param });
}

/** The text of a string or of an array of `text` blocks (cache_control and citations dropped). */
export function blockText(content: unknown, path: string): string[] {
  if (typeof content === 'string') return [content];
  if (!Array.isArray(content)) throw invalid(`Invalid type for '${path}': expected a string or an array.`, path);
  return content.map((block, j) => {
    if (isRecord(block) && block['type'] === 'text' && typeof block['text'] === 'string') return block['text'];
    throw invalid(`Invalid block at '${path}[${j}]': expected a text block.`, `${path}[${j}]`);
  });
}

/** `system` → `instructions`: the text blocks joined by a blank line. */
export function systemInstructions(system: unknown): string | undefined {
  if (system === undefined || system === null) return undefined;
  const texts = blockText(system, 'system').filter((text) => !BILLING_LINE.test(text) && text.trim() !== '');
  return texts.length > 0 ? texts.join('\n\n') : undefined;
}

function imagePart(block: JsonObject, at: string): JsonObject {
  const source = isRecord(block['source']) ? block['source'] : {};
  if (source['type'] === 'base64' && typeof source['data'] === 'string') {
    const mediaType = typeof source['media_type'] === 'string' ? source['media_type'] : 'image/png';
    return { type: 'input_image', image_url: `data:${mediaType};base64,${source['data']}`, detail: 'auto' };
  }
  if (source['type'] === 'url' && typeof source['url'] === 'string') {
    return { type: 'input_image', image_url: source['url'], detail: 'auto' };
  }
  throw unsupported(
    `Unsupported image source at '${at}.source': send a base64 or url source (there is no Files API).`,
    `${at}.source`,
  );
}

/** PDFs go upstream as files; plain-text documents as text; file ids have no Files API to resolve them. */
function documentPart(block: JsonObject, at: string): JsonObject {
  const source = isRecord(block['source']) ? block['source'] : {};
  const filename = typeof block['title'] === 'string' && block['title'] !== '' ? block['title'] : 'document.pdf';
  if (source['type'] === 'base64' && typeof source['data'] === 'string') {
    const mediaType = typeof source['media_type'] === 'string' ? source['media_type'] : 'application/pdf';
    return { type: 'input_file', filename, file_data: `data:${mediaType};base64,${source['data']}` };
  }
  if (source['type'] === 'text' && typeof source['data'] === 'string')
    return { type: 'input_text', text: source['data'] };
  if (source['type'] === 'url' && typeof source['url'] === 'string') {
    return { type: 'input_file', file_url: source['url'] };
  }
  throw unsupported(
    `Unsupported document source at '${at}.source': send base64, text or url (no Files API, no content sources).`,
    `${at}.source`,
  );
}

/** A tool_result's content: a string, or the text of its blocks; images become input_image parts. */
function toolOutput(content: unknown, isError: boolean, at: string): string | JsonObject[] {
  const prefix = isError ? 'Error: ' : '';
  if (content === undefined || content === null) return prefix;
  if (typeof content === 'string') return prefix + content;
  if (!Array.isArray(content)) throw invalid(`Invalid type for '${at}.content'.`, `${at}.content`);
  const parts = content.map((block, j): JsonObject => {
    const path = `${at}.content[${j}]`;
    if (isRecord(block) && block['type'] === 'text') return { type: 'input_text', text: String(block['text'] ?? '') };
    if (isRecord(block) && block['type'] === 'image') return imagePart(block, path);
    if (isRecord(block) && block['type'] === 'document') return documentPart(block, path);
    // Other blocks (tool_reference from tool search, search results…) reach the model as their JSON: refusing them
    // would break an agent's loop in the middle of its work.
    return { type: 'input_text', text: JSON.stringify(block) };
  });
  if (parts.every((part) => part['type'] === 'input_text')) return prefix + parts.map((p) => p['text']).join('\n');
  return prefix ? [{ type: 'input_text', text: prefix.trim() }, ...parts] : parts;
}

/** Builds the input list in block order: message parts gather until a tool call, tool result or role change. */
class InputBuilder {
  readonly input: JsonObject[] = [];
  private readonly calls = new Set<string>();
  private role: Role | undefined;
  private parts: JsonObject[] = [];

  add(role: Role, part: JsonObject): void {
    if (this.role !== role) this.flush();
    this.role = role;
    this.parts.push(part);
  }

  item(item: JsonObject): void {
    this.flush();
    this.input.push(item);
  }

  call(id: string, name: string, input: unknown): void {
    this.calls.add(id);
    this.item({ type: 'function_call', call_id: id, name, arguments: JSON.stringify(input ?? {}) });
  }

  hasCall(id: string): boolean {
    return this.calls.has(id);
  }

  flush(): void {
    if (this.role && this.parts.length > 0) this.input.push({ type: 'message', role: this.role, content: this.parts });
    this.role = undefined;
    this.parts = [];
  }
}

function userBlock(builder: InputBuilder, block: unknown, at: string): void {
  if (typeof block === 'string') return builder.add('user', { type: 'input_text', text: block });
  if (!isRecord(block)) throw invalid(`Invalid block at '${at}': expected an object.`, at);
  switch (block['type']) {
    case 'text':
      if (typeof block['text'] !== 'string') throw invalid(`Missing 'text' at '${at}'.`, `${at}.text`);
      if (block['text'] !== '') builder.add('user', { type: 'input_text', text: block['text'] });
      return;
    case 'image':
      return builder.add('user', imagePart(block, at));
    case 'document':
      return builder.add('user', documentPart(block, at));
    case 'tool_result': {
      const id = block['tool_use_id'];
      if (typeof id !== 'string' || !builder.hasCall(id)) {
        throw invalid(
          `'${at}.tool_use_id' does not match any tool_use block earlier in the conversation.`,
          `${at}.tool_use_id`,
        );
      }
      const output = toolOutput(block['content'], block['is_error'] === true, at);
      return builder.item({ type: 'function_call_output', call_id: id, output });
    }
    default:
      throw unsupported(`Unsupported content block type ${JSON.stringify(block['type'])} at '${at}'.`, at);
  }
}

/**
 * Thinking blocks of earlier turns are dropped: their reasoning was encrypted for whichever account served that
 * turn, and replaying it after a failover to another account would make upstream refuse the whole conversation.
 */
const DROPPED_ASSISTANT_BLOCKS = new Set([
  'thinking',
  'redacted_thinking',
  'server_tool_use',
  'web_search_tool_result',
  'web_fetch_tool_result',
]);

function assistantBlock(builder: InputBuilder, block: unknown, at: string): void {
  if (typeof block === 'string') return builder.add('assistant', { type: 'output_text', text: block });
  if (!isRecord(block)) throw invalid(`Invalid block at '${at}': expected an object.`, at);
  const type = block['type'];
  if (type === 'text') {
    if (typeof block['text'] !== 'string') throw invalid(`Missing 'text' at '${at}'.`, `${at}.text`);
    if (block['text'] !== '') builder.add('assistant', { type: 'output_text', text: block['text'] });
    return;
  }
  if (type === 'tool_use') {
    if (typeof block['id'] !== 'string' || typeof block['name'] !== 'string') {
      throw invalid(`A tool_use block needs 'id' and 'name' at '${at}'.`, at);
    }
    return builder.call(block['id'], block['name'], block['input']);
  }
  if (typeof type === 'string' && DROPPED_ASSISTANT_BLOCKS.has(type)) return;
  throw unsupported(`Unsupported content block type ${JSON.stringify(type)} at '${at}'.`, at);
}

function translateMessage(builder: InputBuilder, message: unknown, i: number): void {
  const at = `messages[${i}]`;
  if (!isRecord(message)) throw invalid(`Invalid type for '${at}': expected an object.`, at);
  const role = message['role'];
  const content = message['content'];
  if (role === 'system') {
    // Claude Code sends system messages mid-conversation: they stay where they are, as developer input.
    const text = blockText(content, `${at}.content`).join('\n\n');
    if (text.trim() !== '')
      builder.item({ type: 'message', role: 'developer', content: [{ type: 'input_text', text }] });
    return;
  }
  if (role !== 'user' && role !== 'assistant') {
    throw invalid(`Invalid value for '${at}.role': ${JSON.stringify(role)}.`, `${at}.role`);
  }
  const blocks = typeof content === 'string' ? [content] : content;
  if (!Array.isArray(blocks)) throw invalid(`Invalid type for '${at}.content'.`, `${at}.content`);
  blocks.forEach((block, j) => {
    if (role === 'user') userBlock(builder, block, `${at}.content[${j}]`);
    else assistantBlock(builder, block, `${at}.content[${j}]`);
  });
  builder.flush();
}

/** Upstream has refused conversations that do not open with a user turn (as for Chat, §5.2). */
function opensWithUser(input: JsonObject[]): JsonObject[] {
  const first = input.find((item) => !(item['type'] === 'message' && item['role'] === 'developer'));
  if (first === undefined || (first['type'] === 'message' && first['role'] === 'user')) return input;
  return [{ type: 'message', role: 'user', content: [{ type: 'input_text', text: ' ' }] }, ...input];
}

export function translateConversation(system: unknown, messages: unknown): TranslatedConversation {
  if (!Array.isArray(messages) || messages.length === 0) {
    throw invalid("'messages' must be a non-empty array.", 'messages');
  }
  const builder = new InputBuilder();
  messages.forEach((message, i) => translateMessage(builder, message, i));
  builder.flush();
  return { instructions: systemInstructions(system), input: opensWithUser(builder.input) };
}
