import { Stream } from '@anthropic-ai/sdk/core/streaming';
import { MessageStream } from '@anthropic-ai/sdk/lib/MessageStream';
import fc from 'fast-check';
import { ResponseAccumulator } from '../accumulator';
import { ClientRequestError } from '../errors';
import { normalizeResponsesRequest } from '../normalize';
import { anthropicToResponsesRequest } from './request';
import { buildAnthropicMessage } from './response';
import { AnthropicStreamTranslator } from './stream';

type Ev = Record<string, unknown>;

function onlyClientErrors(fn: () => unknown): boolean {
  try {
    fn();
    return true;
  } catch (error) {
    if (error instanceof ClientRequestError && error.status === 400) return true;
    throw error;
  }
}

const anyJson = fc.jsonValue({ maxDepth: 4 });
const block = fc.oneof(
  anyJson,
  fc.record(
    {
      type: fc.constantFrom('text', 'image', 'document', 'tool_use', 'tool_result', 'thinking', 'search_result'),
      text: anyJson,
      source: fc.oneof(anyJson, fc.record({ type: fc.constantFrom('base64', 'url', 'text', 'file'), data: anyJson })),
      id: fc.oneof(fc.constantFrom('t1', 't2'), anyJson),
      tool_use_id: fc.oneof(fc.constantFrom('t1', 't2'), anyJson),
      name: anyJson,
      input: anyJson,
      content: anyJson,
      is_error: anyJson,
    },
    { requiredKeys: ['type'] },
  ),
);
const message = fc.record({
  role: fc.oneof(fc.constantFrom('user', 'assistant', 'system'), anyJson),
  content: fc.oneof(fc.string(), fc.array(block, { maxLength: 4 }), anyJson),
});
const messagesBody = fc.record(
  {
    model: fc.oneof(fc.constantFrom('claude-opus-4-8', 'gpt-5.2'), anyJson),
    messages: fc.oneof(fc.array(message, { maxLength: 5 }), anyJson),
    system: fc.oneof(fc.string(), fc.array(block, { maxLength: 2 }), anyJson),
    tools: fc.oneof(
      fc.array(fc.oneof(anyJson, fc.record({ name: anyJson, input_schema: anyJson, type: anyJson })), { maxLength: 3 }),
      anyJson,
    ),
    tool_choice: fc.oneof(
      anyJson,
      fc.record({ type: fc.constantFrom('auto', 'any', 'tool', 'none', 'x'), name: anyJson }),
    ),
    thinking: fc.oneof(
      anyJson,
      fc.record({ type: fc.constantFrom('enabled', 'adaptive', 'disabled'), budget_tokens: anyJson }),
    ),
    output_config: fc.oneof(anyJson, fc.record({ effort: anyJson, format: anyJson })),
    max_tokens: anyJson,
    metadata: fc.oneof(anyJson, fc.record({ user_id: fc.oneof(fc.string(), anyJson) })),
    stream: anyJson,
  },
  { requiredKeys: [] },
);

describe('Messages request translation never throws anything but a 400', () => {
  it('on structured random Messages bodies, through the §2.2 normalisation', () => {
    fc.assert(
      fc.property(messagesBody, (body) =>
        onlyClientErrors(() =>
          normalizeResponsesRequest(
            anthropicToResponsesRequest(body, { modelMap: { default: 'gpt-5.3-codex' } }).body,
            {
              native: false,
              deriveSessionKey: true,
            },
          ),
        ),
      ),
      { numRuns: 400 },
    );
  });
});

/** An output item the emulated upstream streams: its text, and how many of its deltas arrive before `.done`. */
type Planned = { kind: 'text' | 'tool' | 'reasoning'; text: string; cuts: number[]; sent: number };

/** Upstream's tool arguments are a JSON object (or blank so far); text and summaries are anything. */
const toolArguments = fc.oneof(
  fc.object({ maxDepth: 2 }).map((value) => JSON.stringify(value)),
  fc.constantFrom('', ' ', '\n'),
);
const planned: fc.Arbitrary<Planned> = fc.constantFrom<Planned['kind']>('text', 'tool', 'reasoning').chain((kind) =>
  fc.record({
    kind: fc.constant(kind),
    text: kind === 'tool' ? toolArguments : fc.string({ maxLength: 30 }),
    cuts: fc.array(fc.nat(30), { maxLength: 4 }),
    sent: fc.nat(5),
  }),
);

function pieces(text: string, cuts: number[]): string[] {
  const points = [...new Set(cuts.map((c) => Math.min(c, text.length)))].sort((a, b) => a - b);
  const out: string[] = [];
  let last = 0;
  for (const point of [...points, text.length]) {
    if (point > last) out.push(text.slice(last, point));
    last = point;
  }
  return out;
}

function finalItem(item: Planned, i: number): Ev {
  if (item.kind === 'tool')
    return { type: 'function_call', id: `fc_${i}`, call_id: `call_${i}`, name: 'f', arguments: item.text };
  if (item.kind === 'reasoning')
    return { type: 'reasoning', id: `rs_${i}`, summary: [{ type: 'summary_text', text: item.text }] };
  return {
    type: 'message',
    id: `msg_${i}`,
    role: 'assistant',
    content: [{ type: 'output_text', text: item.text, annotations: [] }],
  };
}

const DELTA = {
  text: 'response.output_text.delta',
  tool: 'response.function_call_arguments.delta',
  reasoning: 'response.reasoning_summary_text.delta',
};

/** One item's events in order: announcement, some deltas, then its final form supplies the rest (§3.5). */
function itemEvents(item: Planned, i: number): Ev[] {
  const final = finalItem(item, i);
  const events: Ev[] = [
    {
      type: 'response.output_item.added',
      output_index: i,
      item: { ...final, content: [], summary: [], arguments: '' },
    },
  ];
  for (const delta of pieces(item.text, item.cuts).slice(0, item.sent)) {
    events.push({
      type: DELTA[item.kind],
      item_id: final['id'],
      output_index: i,
      content_index: 0,
      summary_index: 0,
      delta,
    });
  }
  events.push({ type: 'response.output_item.done', output_index: i, item: final });
  return events;
}

/**
 * Upstream events for the plan, the items' events interleaved by `picks` (items are still announced in index
 * order, as upstream does), then response.completed with or without the output.
 */
function upstream(items: Planned[], picks: number[], outputInCompleted: boolean): Ev[] {
  const queues = items.map(itemEvents);
  const events: Ev[] = [{ type: 'response.created', response: { id: 'resp_1', created_at: 1, output: [] } }];
  let announced = 0;
  let pick = 0;
  while (queues.some((queue) => queue.length > 0)) {
    const open = queues.map((queue, i) => i).filter((i) => queues[i]!.length > 0 && (i < announced || i === announced));
    const chosen = open[(picks[pick++] ?? 0) % open.length]!;
    if (chosen === announced) announced++;
    events.push(queues[chosen]!.shift()!);
  }
  const output = outputInCompleted ? items.map(finalItem) : [];
  const usage = { input_tokens: 50, input_tokens_details: { cached_tokens: 20 }, output_tokens: 9 };
  events.push({ type: 'response.completed', response: { id: 'resp_1', status: 'completed', output, usage } });
  return events;
}

/** Anthropic clients expect one open block at a time: every delta belongs to the block last started. */
function oneBlockAtATime(frames: string[]): boolean {
  let open: unknown;
  for (const frame of frames) {
    const data = JSON.parse(frame.split('\n')[1]!.slice('data: '.length)) as Ev;
    if (data['type'] === 'content_block_start') {
      if (open !== undefined) return false;
      open = data['index'];
    } else if (data['type'] === 'content_block_stop') {
      if (data['index'] !== open) return false;
      open = undefined;
    } else if (data['type'] === 'content_block_delta' && data['index'] !== open) return false;
  }
  return open === undefined;
}

async function throughSdk(frames: string[]) {
  const response = new Response(frames.join(''), { headers: { 'content-type': 'text/event-stream' } });
  return MessageStream.fromReadableStream(
    Stream.fromSSEResponse(response, new AbortController()).toReadableStream(),
  ).finalMessage();
}

describe('the streamed answer and the whole answer agree, whatever the upstream chunking and interleaving', () => {
  it('the Anthropic SDK assembles exactly the non-streaming message', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(planned, { minLength: 1, maxLength: 4 }),
        fc.array(fc.nat(), { maxLength: 40 }),
        fc.boolean(),
        fc.boolean(),
        async (items, picks, inCompleted, thinking) => {
          const translator = new AnthropicStreamTranslator({ model: 'claude-x', thinking, id: 'msg_p' });
          const accumulator = new ResponseAccumulator();
          const frames: string[] = [];
          for (const event of upstream(items, picks, inCompleted)) {
            accumulator.push(event);
            frames.push(...translator.push(event));
          }
          frames.push(...translator.finish(accumulator));
          expect(oneBlockAtATime(frames)).toBe(true);
          const { parsed_output: _sdkOnly, ...streamed } = JSON.parse(JSON.stringify(await throughSdk(frames))) as Ev;
          expect(buildAnthropicMessage(accumulator, { model: 'claude-x', thinking, id: 'msg_p' })).toEqual(streamed);
        },
      ),
      { numRuns: 150 },
    );
  });
});
