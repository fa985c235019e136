import { randomBytes } from 'node:crypto';
import type { FinishReason } from '@mcp/contracts';
import { stringField } from './events';
import { isRecord, type JsonObject } from './json';
import { chatUsage, type TokenUsage } from './tokens';

const ID_BYTES = 18;
/** Random bytes for this many ids are drawn at once: one draw per id cost more than the rest of the id. */
const IDS_PER_DRAW = 128;
let entropy = Buffer.alloc(0);
let entropyAt = 0;

/** `chatcmpl-<random>` (§5.3): 18 random bytes from the system's CSPRNG, each byte used for one id only. */
export function chatCompletionId(): string {
  if (entropyAt + ID_BYTES > entropy.length) {
    entropy = randomBytes(ID_BYTES * IDS_PER_DRAW);
    entropyAt = 0;
  }
  const id = entropy.toString('base64url', entropyAt, entropyAt + ID_BYTES);
  entropyAt += ID_BYTES;
  return `chatcmpl-${id}`;
}

export function isToolCall(item: JsonObject): boolean {
  return item['type'] === 'function_call' || item['type'] === 'custom_tool_call';
}

function parts(item: JsonObject): JsonObject[] {
  return Array.isArray(item['content']) ? item['content'].filter(isRecord) : [];
}

/** A text, a refusal or a tool call (§3.5 `empty_output`). */
export function itemHasContent(item: JsonObject): boolean {
  if (isToolCall(item)) return true;
  if (item['type'] !== 'message') return false;
  return parts(item).some((p) => (stringField(p, 'text') ?? stringField(p, 'refusal') ?? '') !== '');
}

/** Chat tool call from a Responses item (§5.3). */
export function chatToolCall(item: JsonObject): JsonObject | undefined {
  const id = stringField(item, 'call_id') ?? stringField(item, 'id') ?? '';
  const name = stringField(item, 'name') ?? '';
  if (item['type'] === 'function_call') {
    return { id, type: 'function', function: { name, arguments: stringField(item, 'arguments') ?? '' } };
  }
  if (item['type'] === 'custom_tool_call')
    return { id, type: 'custom', custom: { name, input: stringField(item, 'input') ?? '' } };
  return undefined;
}

/** Url citations with offsets shifted to the concatenated content. */
function chatAnnotations(part: JsonObject, offset: number): JsonObject[] {
  const list = Array.isArray(part['annotations']) ? part['annotations'].filter(isRecord) : [];
  return list
    .filter((a) => a['type'] === 'url_citation')
    .map((a) => ({
      type: 'url_citation',
      url_citation: {
        start_index: (typeof a['start_index'] === 'number' ? a['start_index'] : 0) + offset,
        end_index: (typeof a['end_index'] === 'number' ? a['end_index'] : 0) + offset,
        url: a['url'] ?? '',
        title: a['title'] ?? '',
      },
    }));
}

/** The assistant message of a chat.completion built from final Responses items. */
export function chatMessage(items: JsonObject[]): JsonObject {
  let content = '';
  let refusal = '';
  const annotations: JsonObject[] = [];
  const toolCalls: JsonObject[] = [];
  for (const item of items) {
    if (item['type'] === 'message') {
      for (const part of parts(item)) {
        if (part['type'] === 'output_text') {
          annotations.push(...chatAnnotations(part, content.length));
          content += stringField(part, 'text') ?? '';
        } else if (part['type'] === 'refusal') refusal += stringField(part, 'refusal') ?? '';
      }
    }
    const call = chatToolCall(item);
    if (call) toolCalls.push(call);
  }
  const message: JsonObject = {
    role: 'assistant',
    content: content === '' ? null : content,
    refusal: refusal === '' ? null : refusal,
    annotations,
  };
  if (toolCalls.length > 0) message['tool_calls'] = toolCalls;
  return message;
}

export interface ChatCompletionInput {
  id?: string | undefined;
  model: string;
  created: number | undefined;
  items: JsonObject[];
  finishReason: FinishReason;
  usage: TokenUsage;
}

/** `chat.completion` (§5.3, §5.5). */
export function buildChatCompletion(input: ChatCompletionInput): JsonObject {
  return {
    id: input.id ?? chatCompletionId(),
    object: 'chat.completion',
    created: input.created ?? Math.floor(Date.now() / 1000),
    model: input.model,
    system_fingerprint: null,
    choices: [{ index: 0, logprobs: null, finish_reason: input.finishReason, message: chatMessage(input.items) }],
    usage: chatUsage(input.usage),
  };
}
