import { EVENTS } from './constants';
import type { HeaderSource } from './headers';
import { isRecord, type JsonObject } from './json';
import type { SseEvent } from './sse';

/**
 * Remote compaction v2 (PROTOCOL.md §13.3) [upstream, observed from Codex CLI 0.169]: an ordinary streamed
 * `/responses` request whose last input item is `{"type":"compaction_trigger"}`. Codex announces the capability with
 * `x-codex-beta-features: remote_compaction_v2` on every request, so the item, not the header, marks a compaction.
 * The answer must hold exactly one output item of type `compaction` carrying `encrypted_content`; Codex sends that
 * item back as input on the following turns. The upstream may name it `compaction_summary` and deliver it only in
 * `response.output_item.done` while `response.completed.output` is `[]`.
 */
export const COMPACTION = {
  betaHeader: 'x-codex-beta-features',
  betaFeature: 'remote_compaction_v2',
  triggerType: 'compaction_trigger',
  itemType: 'compaction',
  upstreamAliases: ['compaction_summary'],
} as const;

/**
 * The client's beta-features header, forwarded as is: the upstream needs it to accept the trigger item. Node's
 * incoming headers are already lower-cased, so the common case is one property read (this runs on every request).
 */
export function betaFeaturesHeader(headers: HeaderSource | undefined): string | undefined {
  if (headers === undefined) return undefined;
  const raw = 'get' in headers && typeof headers.get === 'function' ? headers.get(COMPACTION.betaHeader) : undefined;
  const own = (headers as Record<string, unknown>)[COMPACTION.betaHeader];
  const found = raw ?? own;
  const value = (Array.isArray(found) ? found.join(',') : typeof found === 'string' ? found : undefined)?.trim();
  return value ? value : undefined;
}

/** True when the request body asks for a remote compaction v2 (a `compaction_trigger` input item). */
export function isCompactionRequest(body: unknown): boolean {
  if (!isRecord(body) || !Array.isArray(body['input'])) return false;
  return body['input'].some((item) => isRecord(item) && item['type'] === COMPACTION.triggerType);
}

function isAlias(type: unknown): boolean {
  return typeof type === 'string' && (COMPACTION.upstreamAliases as readonly string[]).includes(type);
}

/** The item with its upstream alias renamed to `compaction`; the same object when nothing needs renaming. */
export function normalizeCompactionItem(item: JsonObject): JsonObject {
  return isAlias(item['type']) ? { ...item, type: COMPACTION.itemType } : item;
}

function normalizeOutput(response: JsonObject): JsonObject {
  const output = response['output'];
  if (!Array.isArray(output) || !output.some((item) => isRecord(item) && isAlias(item['type']))) return response;
  return { ...response, output: output.map((item) => (isRecord(item) ? normalizeCompactionItem(item) : item)) };
}

/**
 * One upstream event of a compaction stream with the item renamed (output_item events and the lifecycle
 * envelope's `output`); `raw` is re-serialised only when something changed, so other events relay byte for byte.
 */
export function normalizeCompactionEvent(event: SseEvent): SseEvent {
  const data = event.data;
  let changed: JsonObject | undefined;
  if ((event.type === EVENTS.itemAdded || event.type === EVENTS.itemDone) && isRecord(data['item'])) {
    const item = normalizeCompactionItem(data['item']);
    if (item !== data['item']) changed = { ...data, item };
  } else if (isRecord(data['response'])) {
    const response = normalizeOutput(data['response']);
    if (response !== data['response']) changed = { ...data, response };
  }
  return changed ? { type: event.type, data: changed, raw: JSON.stringify(changed) } : event;
}

/** Why a completed compaction answer is unusable, or undefined when it holds exactly one `compaction` item. */
export function compactionOutputProblem(output: readonly JsonObject[]): string | undefined {
  const items = output.filter((item) => item['type'] === COMPACTION.itemType);
  if (items.length === 0) return 'The upstream compaction stream ended without its compaction item';
  if (items.length > 1) return `The upstream compaction stream returned ${items.length} compaction items`;
  const encrypted = items[0]?.['encrypted_content'];
  if (typeof encrypted !== 'string' || encrypted === '') {
    return 'The upstream compaction item has no encrypted_content';
  }
  return undefined;
}
