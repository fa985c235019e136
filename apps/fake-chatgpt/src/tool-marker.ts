import { splitChunks, type PlannedItem } from './answer-builder';
import type { Item, ValidatedRequest } from './request-validation';

/**
 * `[[tool:<Name> <json>]]` anywhere in the last user text makes the emulated model call the function tool <Name>
 * with <json> as arguments, when the request offers such a tool. Agents wrap prompts in their own context (Claude
 * Code prepends a system-reminder), so the marker need not start the text. Once a tool result is in the input, the
 * model answers with text quoting the latest result instead, so an agent's loop ends after one round trip.
 */
const MARKER = /\[\[tool:([A-Za-z0-9_-]+)\s+(\{[\s\S]*?\})\]\]/;

function resultText(output: unknown): string {
  if (typeof output === 'string') return output;
  if (Array.isArray(output)) return (output as Item[]).map((p) => (typeof p.text === 'string' ? p.text : '')).join('');
  return JSON.stringify(output ?? null);
}

export function markedToolItems(req: ValidatedRequest, userText: string): PlannedItem[] | undefined {
  const marker = MARKER.exec(userText);
  if (!marker) return undefined;
  const results = req.input.filter((item) => item.type === 'function_call_output');
  const latest = results[results.length - 1];
  if (latest) return [{ kind: 'message', chunks: splitChunks(`tool said: ${resultText(latest.output)}`) }];
  const [, name, args] = marker;
  const offered = req.tools.some((tool) => tool.type === 'function' && tool.name === name);
  return offered ? [{ kind: 'function_call', name: name!, arguments: args! }] : undefined;
}
