import type { AnswerPlan } from './answer-builder';
import { compactionEvents } from './compaction';
import type { ValidatedRequest } from './request-validation';
import { envelope, itemEvents, type StreamContext, type StreamEvent, type Usage } from './response-events';
import { rateLimitsEvent } from './quota';
import { cutAfterTextDeltas } from './sse-writer';
import type { EmulatorState } from './state';
import type { AccountRecord, Fault } from './types';

export interface StreamPlan {
  state: EmulatorState;
  account: AccountRecord;
  req: ValidatedRequest;
  plan: AnswerPlan;
  inputTokens: number;
  fault: Fault | undefined;
}

const FAILURE_MESSAGES: Record<string, string> = {
  server_error: 'An error occurred while processing your request.',
  server_is_overloaded: 'Our servers are currently overloaded. Please try again later.',
  usage_limit_reached: 'The usage limit has been reached',
  rate_limit_exceeded: 'Rate limit reached. Please try again in 1.5s.',
  context_length_exceeded:
    'Your input exceeds the context window of this model. Please adjust your input and try again.',
};

/** The full event list for one answer, shaped by a stream fault if one applies. */
export function buildStream(p: StreamPlan): { events: StreamEvent[]; drop: boolean } {
  const { state, req } = p;
  const includes = Array.isArray(req.body.include) ? (req.body.include as unknown[]) : [];
  const ctx: StreamContext = {
    responseId: state.nextId('resp_'),
    createdAt: Math.floor(state.now() / 1000),
    body: req.body,
    model: req.model.slug,
    includeEncrypted: includes.includes('reasoning.encrypted_content'),
    newId: (prefix) => state.nextId(prefix),
  };
  if (req.compaction) return { events: compactionEvents(ctx, req, p.inputTokens, p.fault), drop: false };
  const head: StreamEvent[] = [
    { type: 'response.created', response: envelope(ctx, 'in_progress', [], null) },
    { type: 'response.in_progress', response: envelope(ctx, 'in_progress', [], null) },
  ];
  state.streamsServed += 1;
  const every = state.options.rateLimitsEventEvery;
  if (every > 0 && state.streamsServed % every === 0)
    head.push({ type: 'codex.rate_limits', ...rateLimitsEvent(p.account) });
  const { events: body, output } = itemEvents(ctx, p.plan);
  const usage = computeUsage(p, output);
  const finalOutput = state.options.emptyCompletedOutput ? [] : output;
  const completed: StreamEvent = {
    type: 'response.completed',
    response: envelope(ctx, 'completed', finalOutput, usage),
  };
  const all = [...head, ...body, completed];
  return shapeByFault(ctx, p.fault, head, all);
}

function shapeByFault(
  ctx: StreamContext,
  fault: Fault | undefined,
  head: StreamEvent[],
  all: StreamEvent[],
): { events: StreamEvent[]; drop: boolean } {
  if (!fault) return { events: all, drop: false };
  switch (fault.kind) {
    case 'truncate':
      return { events: all.slice(0, -1), drop: false };
    case 'drop':
      return { events: all.slice(0, cutAfterTextDeltas(all, fault.afterDeltas)), drop: true };
    case 'stream_failed': {
      const code = fault.code ?? 'server_error';
      const message = fault.message ?? FAILURE_MESSAGES[code] ?? `Emulated failure: ${code}`;
      const failed: StreamEvent = {
        type: 'response.failed',
        response: { ...envelope(ctx, 'failed', [], null), error: { code, message } },
      };
      const prefix = fault.afterDeltas === undefined ? head : all.slice(0, cutAfterTextDeltas(all, fault.afterDeltas));
      return { events: [...prefix, failed], drop: false };
    }
    default:
      return { events: all, drop: false };
  }
}

/** Deterministic usage; cached tokens appear when this account saw the prompt_cache_key before. */
function computeUsage(p: StreamPlan, output: unknown[]): Usage {
  const { state, account, req } = p;
  const inputTokens = p.inputTokens;
  let cached = 0;
  const key = req.body.prompt_cache_key;
  if (typeof key === 'string' && key !== '') {
    let perAccount = state.promptCache.get(key);
    if (!perAccount) state.promptCache.set(key, (perAccount = new Map()));
    const previous = perAccount.get(account.id);
    if (previous !== undefined) cached = Math.max(1, Math.floor(Math.min(previous, inputTokens) * 0.9));
    perAccount.set(account.id, inputTokens);
  }
  const visible = output.length === 0 ? 0 : Math.max(1, Math.ceil(JSON.stringify(output).length / 16));
  const outputTokens = visible + (output.length === 0 ? 0 : p.plan.reasoningTokens);
  return {
    input_tokens: inputTokens,
    input_tokens_details: { cached_tokens: Math.min(cached, inputTokens) },
    output_tokens: outputTokens,
    output_tokens_details: { reasoning_tokens: output.length === 0 ? 0 : p.plan.reasoningTokens },
    total_tokens: inputTokens + outputTokens,
  };
}
