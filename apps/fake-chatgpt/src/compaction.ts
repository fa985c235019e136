import type { IncomingHttpHeaders } from 'node:http';
import { lastUserText } from './answer-builder';
import { HttpError } from './http-util';
import type { Item, ValidatedRequest } from './request-validation';
import { envelope, type StreamContext, type StreamEvent, type Usage } from './response-events';
import type { Fault } from './types';

/**
 * Remote compaction v2 as the Codex backend serves it (PROTOCOL §13.3), strictly: a streamed `/responses` whose last
 * input item is `{"type":"compaction_trigger"}`, accepted only with `x-codex-beta-features: remote_compaction_v2`.
 * The answer is one item named `compaction_summary` (Codex itself calls it `compaction`), delivered only in the
 * output_item events, with `response.completed.output` left `[]` — the two quirks a proxy has to absorb.
 * Later turns send the item back as `{"type":"compaction", encrypted_content}`; a forged one is refused.
 */
const TRIGGER = 'compaction_trigger';
const BETA_HEADER = 'x-codex-beta-features';
const BETA_FEATURE = 'remote_compaction_v2';
const UPSTREAM_ITEM_TYPE = 'compaction_summary';
const ENCRYPTED_PREFIX = 'cmpv2_';

function invalid(message: string, param: string): HttpError {
  return new HttpError(400, { error: { message, type: 'invalid_request_error', param, code: 'invalid_value' } });
}

function hasBetaFeature(headers: IncomingHttpHeaders): boolean {
  const raw = headers[BETA_HEADER];
  const value = Array.isArray(raw) ? raw.join(',') : (raw ?? '');
  return value
    .split(',')
    .map((part) => part.trim())
    .includes(BETA_FEATURE);
}

/** True for a compaction request; throws the backend's 400 for a trigger or compaction item it would refuse. */
export function checkCompaction(req: ValidatedRequest, headers: IncomingHttpHeaders): boolean {
  const triggers: number[] = [];
  req.input.forEach((item, i) => {
    if (item.type === TRIGGER) triggers.push(i);
    if (item.type === 'compaction') checkCompactionItem(item, i);
  });
  if (triggers.length === 0) return false;
  if (!hasBetaFeature(headers)) {
    throw invalid(`Invalid value: '${TRIGGER}'. This item type requires the ${BETA_FEATURE} beta.`, 'input');
  }
  const last = req.input.length - 1;
  if (triggers.length > 1 || triggers[0] !== last) {
    throw invalid(`'${TRIGGER}' must be the last input item and appear once.`, `input[${triggers[0]}]`);
  }
  return true;
}

function checkCompactionItem(item: Item, i: number): void {
  const content = item.encrypted_content;
  if (typeof content !== 'string' || !content.startsWith(ENCRYPTED_PREFIX)) {
    throw invalid('The compaction item could not be decrypted.', `input[${i}].encrypted_content`);
  }
}

/** The opaque checkpoint: the summary Codex would resume from, wrapped so only this backend reads it. */
function encryptedSummary(req: ValidatedRequest): string {
  const history = req.input.filter((item) => item.type !== TRIGGER);
  const summary = `Checkpoint of ${history.length} items. Last request: ${lastUserText(history)}`;
  return ENCRYPTED_PREFIX + Buffer.from(summary, 'utf8').toString('base64');
}

/**
 * The compaction stream. The `compaction_missing` fault leaves the item out while the stream still completes,
 * the failure a proxy must treat as a failed attempt rather than an empty success.
 */
export function compactionEvents(
  ctx: StreamContext,
  req: ValidatedRequest,
  inputTokens: number,
  fault: Fault | undefined,
): StreamEvent[] {
  const head: StreamEvent[] = [
    { type: 'response.created', response: envelope(ctx, 'in_progress', [], null) },
    { type: 'response.in_progress', response: envelope(ctx, 'in_progress', [], null) },
  ];
  const item = { id: ctx.newId('cmp_'), type: UPSTREAM_ITEM_TYPE, encrypted_content: encryptedSummary(req) };
  const items: StreamEvent[] =
    fault?.kind === 'compaction_missing'
      ? []
      : [
          { type: 'response.output_item.added', output_index: 0, item },
          { type: 'response.output_item.done', output_index: 0, item },
        ];
  const outputTokens = items.length === 0 ? 0 : Math.ceil(item.encrypted_content.length / 4);
  const usage: Usage = {
    input_tokens: inputTokens,
    input_tokens_details: { cached_tokens: 0 },
    output_tokens: outputTokens,
    output_tokens_details: { reasoning_tokens: 0 },
    total_tokens: inputTokens + outputTokens,
  };
  // The backend always leaves completed.output empty on this path.
  const completed: StreamEvent = { type: 'response.completed', response: envelope(ctx, 'completed', [], usage) };
  return [...head, ...items, completed];
}
