import type { AnswerPlan, PlannedItem } from './answer-builder';
import type { Item } from './request-validation';

export interface StreamEvent {
  type: string;
  [key: string]: unknown;
}

export interface Usage {
  input_tokens: number;
  input_tokens_details: { cached_tokens: number };
  output_tokens: number;
  output_tokens_details: { reasoning_tokens: number };
  total_tokens: number;
}

export interface StreamContext {
  responseId: string;
  createdAt: number;
  body: Record<string, unknown>;
  model: string;
  includeEncrypted: boolean;
  newId: (prefix: string) => string;
}

/** The `response` envelope shared by lifecycle events (PROTOCOL §3.2). */
export function envelope(ctx: StreamContext, status: string, output: Item[], usage: Usage | null): Item {
  const b = ctx.body;
  return {
    id: ctx.responseId,
    object: 'response',
    created_at: ctx.createdAt,
    status,
    background: false,
    error: null,
    incomplete_details: null,
    instructions: b.instructions,
    max_output_tokens: null,
    model: ctx.model,
    output,
    parallel_tool_calls: b.parallel_tool_calls ?? true,
    previous_response_id: null,
    prompt_cache_key: b.prompt_cache_key ?? null,
    reasoning: {
      effort: (b.reasoning as Item | undefined)?.effort ?? null,
      summary: (b.reasoning as Item | undefined)?.summary ?? null,
    },
    store: false,
    text: b.text ?? { format: { type: 'text' }, verbosity: 'medium' },
    tool_choice: b.tool_choice ?? 'auto',
    tools: b.tools ?? [],
    usage,
  };
}

/** Events of every planned item, plus the final item objects in output order. */
export function itemEvents(ctx: StreamContext, plan: AnswerPlan): { events: StreamEvent[]; output: Item[] } {
  const events: StreamEvent[] = [];
  const output: Item[] = [];
  plan.items.forEach((planned, index) => {
    const { events: evs, item } = oneItem(ctx, planned, index);
    events.push(...evs);
    output.push(item);
  });
  return { events, output };
}

function oneItem(ctx: StreamContext, p: PlannedItem, index: number): { events: StreamEvent[]; item: Item } {
  switch (p.kind) {
    case 'reasoning':
      return reasoningItem(ctx, p.summary, index);
    case 'message':
      return messageItem(ctx, p.chunks, index, p.annotation);
    case 'refusal':
      return refusalItem(ctx, p.text, index);
    case 'function_call':
      return functionCallItem(ctx, p.name, p.arguments, index);
    case 'custom_tool_call':
      return customToolItem(ctx, p.name, p.input, index);
    case 'web_search':
      return webSearchItem(ctx, p.query, index);
  }
}

function added(index: number, item: Item): StreamEvent {
  return { type: 'response.output_item.added', output_index: index, item };
}

function done(index: number, item: Item): StreamEvent {
  return { type: 'response.output_item.done', output_index: index, item };
}

function reasoningItem(ctx: StreamContext, summary: string, index: number): { events: StreamEvent[]; item: Item } {
  const id = ctx.newId('rs_');
  const encrypted = ctx.includeEncrypted ? `gAAAAB${Buffer.from(`${id}:${summary}`).toString('base64')}` : null;
  const part = { type: 'summary_text', text: summary };
  const item = { id, type: 'reasoning', summary: [part], encrypted_content: encrypted };
  const at = { item_id: id, output_index: index, summary_index: 0 };
  const events: StreamEvent[] = [
    added(index, { id, type: 'reasoning', summary: [], encrypted_content: encrypted }),
    { type: 'response.reasoning_summary_part.added', ...at, part: { type: 'summary_text', text: '' } },
    ...halves(summary).map((delta) => ({ type: 'response.reasoning_summary_text.delta', ...at, delta })),
    { type: 'response.reasoning_summary_text.done', ...at, text: summary },
    { type: 'response.reasoning_summary_part.done', ...at, part },
    done(index, item),
  ];
  return { events, item };
}

function messageItem(
  ctx: StreamContext,
  chunks: string[],
  index: number,
  annotation?: { url: string; title: string; start: number; end: number },
): { events: StreamEvent[]; item: Item } {
  const id = ctx.newId('msg_');
  const text = chunks.join('');
  const at = { item_id: id, output_index: index, content_index: 0 };
  const annotations = annotation
    ? [
        {
          type: 'url_citation',
          url: annotation.url,
          title: annotation.title,
          start_index: annotation.start,
          end_index: annotation.end,
        },
      ]
    : [];
  const part = { type: 'output_text', text, annotations, logprobs: [] };
  const item = { id, type: 'message', status: 'completed', role: 'assistant', content: [part] };
  const events: StreamEvent[] = [
    added(index, { id, type: 'message', status: 'in_progress', role: 'assistant', content: [] }),
    {
      type: 'response.content_part.added',
      ...at,
      part: { type: 'output_text', text: '', annotations: [], logprobs: [] },
    },
    ...chunks.map((delta) => ({ type: 'response.output_text.delta', ...at, delta, logprobs: [] })),
    ...annotations.map((a, i) => ({
      type: 'response.output_text.annotation.added',
      ...at,
      annotation_index: i,
      annotation: a,
    })),
    { type: 'response.output_text.done', ...at, text, logprobs: [] },
    { type: 'response.content_part.done', ...at, part },
    done(index, item),
  ];
  return { events, item };
}

function refusalItem(ctx: StreamContext, refusal: string, index: number): { events: StreamEvent[]; item: Item } {
  const id = ctx.newId('msg_');
  const at = { item_id: id, output_index: index, content_index: 0 };
  const part = { type: 'refusal', refusal };
  const item = { id, type: 'message', status: 'completed', role: 'assistant', content: [part] };
  const events: StreamEvent[] = [
    added(index, { id, type: 'message', status: 'in_progress', role: 'assistant', content: [] }),
    { type: 'response.content_part.added', ...at, part: { type: 'refusal', refusal: '' } },
    ...halves(refusal).map((delta) => ({ type: 'response.refusal.delta', ...at, delta })),
    { type: 'response.refusal.done', ...at, refusal },
    { type: 'response.content_part.done', ...at, part },
    done(index, item),
  ];
  return { events, item };
}

function functionCallItem(
  ctx: StreamContext,
  name: string,
  args: string,
  index: number,
): { events: StreamEvent[]; item: Item } {
  const id = ctx.newId('fc_');
  const callId = ctx.newId('call_');
  const item = { id, type: 'function_call', status: 'completed', arguments: args, call_id: callId, name };
  const at = { item_id: id, output_index: index };
  const events: StreamEvent[] = [
    added(index, { ...item, status: 'in_progress', arguments: '' }),
    ...halves(args).map((delta) => ({ type: 'response.function_call_arguments.delta', ...at, delta })),
    { type: 'response.function_call_arguments.done', ...at, arguments: args },
    done(index, item),
  ];
  return { events, item };
}

function customToolItem(
  ctx: StreamContext,
  name: string,
  input: string,
  index: number,
): { events: StreamEvent[]; item: Item } {
  const id = ctx.newId('ctc_');
  const callId = ctx.newId('call_');
  const item = { id, type: 'custom_tool_call', status: 'completed', call_id: callId, name, input };
  const at = { item_id: id, output_index: index };
  const events: StreamEvent[] = [
    added(index, { ...item, status: 'in_progress', input: '' }),
    ...halves(input).map((delta) => ({ type: 'response.custom_tool_call_input.delta', ...at, delta })),
    { type: 'response.custom_tool_call_input.done', ...at, input },
    done(index, item),
  ];
  return { events, item };
}

function webSearchItem(ctx: StreamContext, query: string, index: number): { events: StreamEvent[]; item: Item } {
  const id = ctx.newId('ws_');
  const item = { id, type: 'web_search_call', status: 'completed', action: { type: 'search', query } };
  const at = { item_id: id, output_index: index };
  const events: StreamEvent[] = [
    added(index, { id, type: 'web_search_call', status: 'in_progress' }),
    { type: 'response.web_search_call.in_progress', ...at },
    { type: 'response.web_search_call.searching', ...at },
    { type: 'response.web_search_call.completed', ...at },
    done(index, item),
  ];
  return { events, item };
}

/** Two deltas (or one for short strings), so argument streaming is exercised. */
function halves(text: string): string[] {
  const points = Array.from(text);
  if (points.length < 2) return [text];
  const mid = Math.ceil(points.length / 2);
  return [points.slice(0, mid).join(''), points.slice(mid).join('')];
}
