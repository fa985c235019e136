import type { Item, ValidatedRequest } from './request-validation';
import { markedToolItems } from './tool-marker';

/** What the emulated model answers, decided deterministically from the request. */
export type PlannedItem =
  | { kind: 'reasoning'; summary: string }
  | { kind: 'message'; chunks: string[]; annotation?: { url: string; title: string; start: number; end: number } }
  | { kind: 'refusal'; text: string }
  | { kind: 'function_call'; name: string; arguments: string }
  | { kind: 'custom_tool_call'; name: string; input: string }
  | { kind: 'web_search'; query: string };

export interface AnswerPlan {
  items: PlannedItem[];
  reasoningTokens: number;
}

const EFFORT_TOKENS: Record<string, number> = { minimal: 8, low: 16, medium: 32, high: 64, xhigh: 128 };
const MAX_LONG = 100_000;

export function planAnswer(req: ValidatedRequest): AnswerPlan {
  const items: PlannedItem[] = [];
  const userText = lastUserText(req.input);
  const reasoning = reasoningOf(req.body);
  if (reasoning) items.push({ kind: 'reasoning', summary: `Considering: ${userText.slice(0, 60)}` });
  items.push(...mainItems(req, userText));
  return { items, reasoningTokens: reasoning ? (EFFORT_TOKENS[reasoning] ?? 32) : 0 };
}

/** Effort when reasoning was requested (an effort other than none, or a summary), else undefined. */
function reasoningOf(body: Record<string, unknown>): string | undefined {
  const r = body.reasoning as Item | undefined | null;
  if (!r || typeof r !== 'object') return undefined;
  const effort = typeof r.effort === 'string' ? r.effort : undefined;
  if (effort === 'none') return undefined;
  if (effort) return effort;
  return typeof r.summary === 'string' && r.summary !== 'none' ? 'medium' : undefined;
}

function mainItems(req: ValidatedRequest, userText: string): PlannedItem[] {
  const marked = markedToolItems(req, userText);
  if (marked) return marked;
  const last = req.input[req.input.length - 1];
  if (last && (last.type === 'function_call_output' || last.type === 'custom_tool_call_output')) {
    return [message(`tool said: ${outputText(last.output)}`)];
  }
  const text = userText.trim();
  if (text === 'refuse') return [{ kind: 'refusal', text: "I'm sorry, but I can't help with that." }];
  const long = /^long\s+(\d+)$/.exec(text);
  if (long) {
    const n = Math.min(MAX_LONG, Math.max(1, parseInt(long[1]!, 10)));
    return [{ kind: 'message', chunks: Array.from({ length: n }, (_, i) => `t${i + 1} `) }];
  }
  const call = /^call\s+(\S+)\s+with\s+([\s\S]+)$/.exec(text);
  if (call && findTool(req.tools, (t) => t.type === 'function' && t.name === call[1])) {
    return [{ kind: 'function_call', name: call[1]!, arguments: call[2]!.trim() }];
  }
  const patch = /^patch\s+([\s\S]+)$/.exec(text);
  const custom = findTool(req.tools, (t) => t.type === 'custom');
  if (patch && custom) return [{ kind: 'custom_tool_call', name: String(custom.name), input: patch[1]! }];
  const search = /^search\s+([\s\S]+)$/.exec(text);
  if (search && findTool(req.tools, (t) => typeof t.type === 'string' && t.type.startsWith('web_search'))) {
    return searchItems(search[1]!.trim());
  }
  if (isJsonFormat(req.body)) return [message(JSON.stringify({ echo: userText }))];
  return [message(`echo: ${userText}`)];
}

function searchItems(query: string): PlannedItem[] {
  const url = `https://example.com/search?q=${encodeURIComponent(query)}`;
  const text = `Found ${query} on example.com.`;
  const start = text.indexOf('example.com');
  return [
    { kind: 'web_search', query },
    {
      kind: 'message',
      chunks: splitChunks(text),
      annotation: { url, title: `Results for ${query}`, start, end: start + 11 },
    },
  ];
}

function findTool(tools: Item[], pred: (t: Item) => boolean): Item | undefined {
  return tools.find(pred);
}

function isJsonFormat(body: Record<string, unknown>): boolean {
  const format = (body.text as Item | undefined)?.format as Item | undefined;
  return format?.type === 'json_schema' || format?.type === 'json_object';
}

function message(text: string): PlannedItem {
  return { kind: 'message', chunks: splitChunks(text) };
}

/** Splits text into up to four deltas on code-point boundaries. */
export function splitChunks(text: string): string[] {
  const points = Array.from(text);
  if (points.length === 0) return [''];
  const size = Math.ceil(points.length / 4);
  const out: string[] = [];
  for (let i = 0; i < points.length; i += size) out.push(points.slice(i, i + size).join(''));
  return out;
}

/** Text of the last user message, with a mention of each image or file it carries. */
export function lastUserText(input: Item[]): string {
  for (let i = input.length - 1; i >= 0; i--) {
    const item = input[i]!;
    if ((item.type === 'message' || item.type === undefined) && item.role === 'user') return messageText(item.content);
  }
  return '';
}

function messageText(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  const texts: string[] = [];
  const mentions: string[] = [];
  for (const part of content as Item[]) {
    if (part.type === 'input_text' && typeof part.text === 'string') texts.push(part.text);
    else if (part.type === 'input_image') mentions.push(` [image: ${imageLabel(part)}]`);
    else if (part.type === 'input_file') mentions.push(` [file: ${String(part.filename ?? part.file_id ?? 'data')}]`);
  }
  return texts.join('\n') + mentions.join('');
}

function imageLabel(part: Item): string {
  const url =
    typeof part.image_url === 'string' ? part.image_url : typeof part.file_id === 'string' ? part.file_id : '';
  if (url.startsWith('data:')) {
    const comma = url.indexOf(',');
    const payload = comma >= 0 ? url.slice(comma + 1) : '';
    return `data ${Buffer.from(payload, 'base64').length} bytes`;
  }
  return url.slice(0, 30);
}

function outputText(output: unknown): string {
  if (typeof output === 'string') return output;
  if (Array.isArray(output)) {
    return (output as Item[]).map((p) => (typeof p.text === 'string' ? p.text : '')).join('');
  }
  return JSON.stringify(output ?? null);
}
