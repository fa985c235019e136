import { ResponseAccumulator } from './accumulator';
import type { JsonObject } from './json';
import * as S from './__fixtures__/responses-streams';

type Ev = Record<string, unknown>;

/** Pushes every event and returns the accumulator with the last (terminal) event, as a relay holds them. */
function relayed(events: Ev[]): { acc: ResponseAccumulator; terminal: JsonObject } {
  const acc = new ResponseAccumulator();
  for (const event of events) acc.push(event);
  return { acc, terminal: events[events.length - 1] as JsonObject };
}

/** The same stream ending as the Codex backend ends it: a terminal event with `output: []`. */
function emptied(events: Ev[]): Ev[] {
  return events.map((event) =>
    event['type'] === 'response.completed' || event['type'] === 'response.incomplete'
      ? { ...event, response: { ...(event['response'] as JsonObject), output: [] } }
      : event,
  );
}

function outputOf(event: JsonObject | undefined): JsonObject[] {
  return ((event?.['response'] as JsonObject | undefined)?.['output'] ?? []) as JsonObject[];
}

describe('ResponseAccumulator.finalTerminalEvent (what a native client should see as the last event, §3.5)', () => {
  it('fills an empty response.completed output with the streamed items, ids kept, usage and envelope untouched', () => {
    const { acc, terminal } = relayed(S.TOOL_CALL);
    const before = JSON.stringify(terminal);
    const final = acc.finalTerminalEvent(terminal);
    expect(final).toEqual({
      ...terminal,
      response: {
        ...(terminal['response'] as JsonObject),
        output: [
          {
            type: 'function_call',
            id: 'fc_1',
            call_id: 'call_abc',
            name: 'get_weather',
            arguments: '{"city":"Paris"}',
            status: 'completed',
          },
        ],
      },
    });
    expect((final?.['response'] as JsonObject)['usage']).toEqual(S.USAGE);
    expect(JSON.stringify(terminal)).toBe(before);
  });

  it('orders the items by output_index (reasoning first) and keeps each item whole', () => {
    const { acc, terminal } = relayed(emptied(S.PARALLEL_TOOLS));
    const output = outputOf(acc.finalTerminalEvent(terminal));
    expect(output.map((item) => item['id'])).toEqual(['rs_1', 'fc_a', 'fc_b']);
    expect(output[0]).toEqual(S.REASONING_ITEM);
  });

  it('rebuilds a message streamed as deltas, and items known only from output_item.done', () => {
    const text = relayed(S.REASONING_THEN_TEXT);
    expect(outputOf(text.acc.finalTerminalEvent(text.terminal))[1]).toMatchObject({
      id: 'msg_1',
      type: 'message',
      content: [{ type: 'output_text', text: 'The answer is 42.' }],
    });
    const done = relayed(S.ITEMS_ONLY_IN_DONE);
    expect(outputOf(done.acc.finalTerminalEvent(done.terminal)).map((item) => item['id'])).toEqual(['msg_d', 'fc_d']);
  });

  it('rewrites a response.incomplete with an empty output the same way', () => {
    const { acc, terminal } = relayed(emptied(S.INCOMPLETE_MAX_TOKENS));
    const final = acc.finalTerminalEvent(terminal);
    expect(final?.['type']).toBe('response.incomplete');
    expect(final?.['response']).toMatchObject({
      status: 'incomplete',
      incomplete_details: { reason: 'max_output_tokens' },
      usage: S.USAGE,
      output: [{ id: 'msg_i', content: [{ text: 'Cut short' }] }],
    });
  });

  it('adds streamed items a non-empty output left out, keeping the ones it has', () => {
    const events = S.PARALLEL_TOOLS.map((event) => {
      if (event['type'] !== 'response.completed') return event;
      const response = event['response'] as JsonObject;
      const only = { type: 'function_call', id: 'fc_b', call_id: 'call_b', name: 'b', arguments: '{}' };
      return { ...event, response: { ...response, output: [only] } };
    });
    const { acc, terminal } = relayed(events);
    expect(outputOf(acc.finalTerminalEvent(terminal)).map((item) => item['id'])).toEqual(['rs_1', 'fc_a', 'fc_b']);
  });

  it('leaves a terminal event alone when its output already holds every streamed item', () => {
    const { acc, terminal } = relayed(S.TEXT);
    expect(acc.finalTerminalEvent(terminal)).toBeUndefined();
    const never = relayed(S.ITEMS_ONLY_IN_COMPLETED);
    expect(never.acc.finalTerminalEvent(never.terminal)).toBeUndefined();
  });

  it('leaves failures, errors and non-terminal events alone', () => {
    const failed = relayed(S.FAILED_AFTER_COMMIT);
    expect(failed.acc.finalTerminalEvent(failed.terminal)).toBeUndefined();
    const error = relayed(S.ERROR_EVENT);
    expect(error.acc.finalTerminalEvent(error.terminal)).toBeUndefined();
    const { acc } = relayed(S.TOOL_CALL);
    expect(acc.finalTerminalEvent(S.TOOL_CALL[3] as JsonObject)).toBeUndefined();
  });
});
