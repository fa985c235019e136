import { ResponseAccumulator, SseParser, serializeSse, type SseEvent } from '@mcp/codex';
import { nativeSink } from './stream-relay';

/** Upstream frames as the Codex backend sends them: the terminal event's output is empty (§3.5). */
const UPSTREAM = [
  { type: 'response.created', response: { id: 'resp_1', object: 'response', status: 'in_progress', output: [] } },
  {
    type: 'response.output_item.added',
    output_index: 0,
    item: {
      type: 'function_call',
      id: 'fc_1',
      call_id: 'call_1',
      name: 'lookup',
      arguments: '',
      status: 'in_progress',
    },
  },
  { type: 'response.function_call_arguments.delta', item_id: 'fc_1', output_index: 0, delta: '{"q":1}' },
  {
    type: 'response.output_item.done',
    output_index: 0,
    item: {
      type: 'function_call',
      id: 'fc_1',
      call_id: 'call_1',
      name: 'lookup',
      arguments: '{"q":1}',
      status: 'completed',
    },
  },
  {
    type: 'response.completed',
    response: {
      id: 'resp_1',
      object: 'response',
      status: 'completed',
      output: [],
      usage: { input_tokens: 5, output_tokens: 3, total_tokens: 8 },
    },
  },
];

function parse(text: string): SseEvent[] {
  const events: SseEvent[] = [];
  const parser = new SseParser({ onEvent: (event) => events.push(event) });
  parser.feed(text);
  parser.end();
  return events;
}

describe('nativeSink (PROTOCOL.md §5.7)', () => {
  it('relays events verbatim and ends with a response.completed carrying the streamed items', () => {
    const upstream = parse(UPSTREAM.map((event) => serializeSse(event)).join(''));
    const accumulator = new ResponseAccumulator();
    const sink = nativeSink();
    const frames = upstream.flatMap((event) => {
      accumulator.push(event);
      return sink.frames(event, accumulator);
    });
    // Every event before the terminal one leaves byte for byte as it came.
    expect(frames.slice(0, -1)).toEqual(upstream.slice(0, -1).map((e) => `event: ${e.type}\ndata: ${e.raw}\n\n`));
    const [last] = parse(frames[frames.length - 1]!);
    expect(last?.type).toBe('response.completed');
    expect(last?.data['response']).toEqual({
      id: 'resp_1',
      object: 'response',
      status: 'completed',
      output: [UPSTREAM[3]!['item']],
      usage: { input_tokens: 5, output_tokens: 3, total_tokens: 8 },
    });
  });
});
