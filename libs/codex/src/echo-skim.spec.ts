import fc from 'fast-check';
import { withHeldEcho, withoutEchoedRequest } from './echo-skim';
import { ResponseAccumulator } from './accumulator';
import { SseParser, type SseEvent } from './sse';

const INSTRUCTIONS = 'You are a coding agent. Quote: "ok" \\ backslash, {braces} [brackets], "instructions":1\n'.repeat(
  80,
);
const TOOLS = Array.from({ length: 12 }, (_, i) => ({
  type: 'function',
  name: `tool_${i}`,
  description: 'Reads "files", {not} [json] , "tools":[]',
  parameters: { type: 'object', properties: { instructions: { type: 'string' }, tools: { type: 'array' } } },
}));

function created(extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    type: 'response.created',
    sequence_number: 0,
    response: {
      id: 'resp_1',
      object: 'response',
      created_at: 1_700_000_000,
      status: 'in_progress',
      instructions: INSTRUCTIONS,
      model: 'gpt-5',
      output: [],
      tools: TOOLS,
      usage: null,
      ...extra,
    },
  };
}

function withoutEcho(event: Record<string, unknown>): Record<string, unknown> {
  const response = { ...(event['response'] as Record<string, unknown>) };
  delete response['instructions'];
  delete response['tools'];
  return { ...event, response };
}

describe('withoutEchoedRequest', () => {
  it('cuts instructions and tools out of the response and keeps every other field', () => {
    const text = JSON.stringify(created());
    const skimmed = withoutEchoedRequest(text);
    expect(skimmed).toBeDefined();
    expect(JSON.parse(skimmed as string)).toEqual(withoutEcho(created()));
  });

  it('keeps nested fields that share the names (tool parameters called instructions or tools)', () => {
    const event = created({ metadata: { instructions: 'kept', tools: ['kept'] } });
    const parsed = JSON.parse(withoutEchoedRequest(JSON.stringify(event)) as string);
    expect(parsed.response.metadata).toEqual({ instructions: 'kept', tools: ['kept'] });
  });

  it('handles the echoed fields first, last or alone in the object', () => {
    const first = { type: 'response.created', response: { tools: TOOLS, instructions: INSTRUCTIONS, id: 'r' } };
    const last = { type: 'response.created', response: { id: 'r', instructions: INSTRUCTIONS, tools: TOOLS } };
    const alone = { type: 'response.created', response: { instructions: INSTRUCTIONS } };
    expect(JSON.parse(withoutEchoedRequest(JSON.stringify(first)) as string)).toEqual({
      type: 'response.created',
      response: { id: 'r' },
    });
    expect(JSON.parse(withoutEchoedRequest(JSON.stringify(last)) as string).response).toEqual({ id: 'r' });
    expect(JSON.parse(withoutEchoedRequest(JSON.stringify(alone)) as string).response).toEqual({});
  });

  it('leaves small events and events without echoed fields to the ordinary parse', () => {
    expect(withoutEchoedRequest('{"type":"response.created","response":{"id":"r","tools":[]}}')).toBeUndefined();
    const big = JSON.stringify({ type: 'response.created', response: { id: 'r', output: [INSTRUCTIONS] } });
    expect(withoutEchoedRequest(big)).toBeUndefined();
  });

  it('gives up on truncated text instead of producing a wrong object', () => {
    const text = JSON.stringify(created());
    const cut = text.slice(0, text.indexOf('"tools"') + 200);
    expect(withoutEchoedRequest(cut)).toBeUndefined();
  });

  it('equals a parse-and-delete for any JSON in the response object', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string(), fc.jsonValue()), fc.jsonValue(), fc.jsonValue(), (rest, a, b) => {
        const response = { ...rest, instructions: a, filler: INSTRUCTIONS, tools: b };
        const event = { type: 'response.in_progress', response };
        const skimmed = withoutEchoedRequest(JSON.stringify(event));
        // Through JSON once: the original's -0 reads back as 0 either way.
        expect(JSON.parse(skimmed as string)).toEqual(JSON.parse(JSON.stringify(withoutEcho(event))));
      }),
      { numRuns: 200 },
    );
  });
});

function completed(extra: Record<string, unknown> = {}): Record<string, unknown> {
  const output = [{ id: 'msg_1', type: 'message', role: 'assistant', content: [{ type: 'output_text', text: 'Hi' }] }];
  return { ...created({ status: 'completed', output, ...extra }), type: 'response.completed' };
}

/** The held text with each placeholder given its value back, as a whole parse reads the original. */
function rejoined(text: string): unknown {
  const result = withHeldEcho(text);
  if (!result) return undefined;
  const event = JSON.parse(result.text) as { response: Record<string, unknown> };
  for (const { key, raw } of result.held) event.response[key] = JSON.parse(raw);
  return event;
}

describe('withHeldEcho', () => {
  it('sets the echoed members of the response to null in place and hands over their text', () => {
    const text = JSON.stringify(completed());
    const result = withHeldEcho(text);
    expect(result?.held.map((h) => h.key)).toEqual(['instructions', 'tools']);
    const parsed = JSON.parse(result?.text ?? '') as { response: Record<string, unknown> };
    expect(Object.keys(parsed.response)).toEqual(Object.keys(completed()['response'] as object));
    expect(parsed.response['instructions']).toBeNull();
    expect(JSON.stringify(rejoined(text))).toBe(text);
  });

  it('holds nothing outside the top-level response object', () => {
    const event = { type: 'response.completed', other: { instructions: INSTRUCTIONS, tools: TOOLS }, response: {} };
    expect(withHeldEcho(JSON.stringify(event))).toBeUndefined();
    const nested = completed({ metadata: { instructions: 'kept', tools: ['kept'] } });
    expect(JSON.stringify(rejoined(JSON.stringify(nested)))).toBe(JSON.stringify(nested));
  });

  it('leaves to the whole parse what it cannot place: two response members, spaced member names, small texts', () => {
    const text = JSON.stringify(completed());
    expect(withHeldEcho(text.replace('{"type":', '{"response":{},"type":'))).toBeUndefined();
    expect(withHeldEcho(text.replace('"response":', '"response" :'))).toBeUndefined();
    expect(withHeldEcho('{"type":"response.completed","response":{"tools":[]}}')).toBeUndefined();
    expect(withHeldEcho(text.slice(0, text.indexOf('"tools"') + 200))).toBeUndefined();
  });

  it('equals a whole parse, text for text, for any JSON in the response object', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string(), fc.jsonValue()), fc.jsonValue(), fc.jsonValue(), (rest, a, b) => {
        const event = {
          type: 'response.completed',
          response: { ...rest, instructions: a, filler: INSTRUCTIONS, tools: b },
        };
        const text = JSON.stringify(event);
        expect(JSON.stringify(rejoined(text))).toBe(JSON.stringify(JSON.parse(text)));
      }),
      { numRuns: 200 },
    );
  });
});

describe('SseParser with echoing events', () => {
  function parse(text: string): SseEvent[] {
    const events: SseEvent[] = [];
    const parser = new SseParser({ onEvent: (e) => events.push(e) });
    parser.feed(Buffer.from(text));
    parser.end();
    return events;
  }

  it('parses response.created without the echo and relays its raw text untouched', () => {
    const data = JSON.stringify(created());
    const [event] = parse(`event: response.created\ndata: ${data}\n\n`);
    expect(event?.type).toBe('response.created');
    expect(event?.raw).toBe(data);
    expect(event?.data).toEqual(withoutEcho(created()));
  });

  it('reads a terminal event as a whole parse does, its echo parsed when first read', () => {
    const data = JSON.stringify(completed());
    const [event] = parse(`event: response.completed\ndata: ${data}\n\n`);
    const response = event?.data['response'] as Record<string, unknown>;
    expect(event?.raw).toBe(data);
    expect(Object.getOwnPropertyDescriptor(response, 'tools')?.get).toBeDefined();
    expect(JSON.stringify(event?.data)).toBe(data);
    expect(response['tools']).toEqual(TOOLS);
    expect(response['tools']).toBe(response['tools']);
    response['instructions'] = 'replaced';
    expect({ ...response }['instructions']).toBe('replaced');
  });

  it('gives a native client the same answer text as a whole parse of the terminal event would', () => {
    const data = JSON.stringify(completed({ output: [] }));
    const accumulator = new ResponseAccumulator();
    for (const event of parse(`event: response.completed\ndata: ${data}\n\n`)) accumulator.push(event.data);
    const whole = new ResponseAccumulator();
    whole.push(JSON.parse(data));
    expect(JSON.stringify(accumulator.toResponse())).toBe(JSON.stringify(whole.toResponse()));
  });

  it('reads an echo that does not parse as null, without failing the event', () => {
    const data = JSON.stringify(completed()).replace('"tools":[', '"tools":[{"a" 1},');
    const [event] = parse(`event: response.completed\ndata: ${data}\n\n`);
    expect(event?.type).toBe('response.completed');
    expect((event?.data['response'] as Record<string, unknown>)['tools']).toBeNull();
  });

  it('parses the whole payload when the event name and the payload type disagree', () => {
    const completed = { ...created(), type: 'response.completed' };
    const [event] = parse(`event: response.created\ndata: ${JSON.stringify(completed)}\n\n`);
    expect(event?.type).toBe('response.completed');
    expect((event?.data['response'] as Record<string, unknown>)['tools']).toEqual(TOOLS);
  });
});
