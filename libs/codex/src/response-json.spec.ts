import fc from 'fast-check';
import { ResponseAccumulator } from './accumulator';
import type { JsonObject } from './json';
import { SseParser } from './sse';
import { draws, spell, trickyJson } from './__fixtures__/json-spellings';

/** Makes the terminal event long enough for its echo to be held (echo-skim.ts leaves small events to the parse). */
const PADDING = 'p'.repeat(5000);

interface Upstream {
  instructions: string;
  tools: string;
  /** Other members of the response, before and after the echo. */
  before: JsonObject;
  after: JsonObject;
}

/** What the Codex backend streams for one answer, its terminal event's `output` empty, as SSE text. */
function stream(upstream: Upstream, type = 'response.completed'): string {
  const item = { id: 'msg_1', type: 'message', role: 'assistant', status: 'completed', content: [] };
  const members = (object: JsonObject): string =>
    Object.entries(object)
      .map(([k, v]) => `${JSON.stringify(k)}:${JSON.stringify(v)},`)
      .join('');
  const terminal =
    `{"type":"${type}","sequence_number":5,"response":{${members(upstream.before)}"id":"resp_1","object":"response",` +
    `"created_at":1700000000,"status":"completed","instructions":${upstream.instructions},"model":"gpt-5",` +
    `"output":[],"tools":${upstream.tools},${members(upstream.after)}"metadata":{"pad":"${PADDING}"},` +
    `"usage":{"input_tokens":10,"output_tokens":3,"total_tokens":13}}}`;
  const events: [string, unknown][] = [
    ['response.output_item.added', { type: 'response.output_item.added', output_index: 0, item }],
    [
      'response.output_text.delta',
      { type: 'response.output_text.delta', output_index: 0, content_index: 0, delta: 'Hi é 😀 "x"' },
    ],
    ['response.output_item.done', { type: 'response.output_item.done', output_index: 0, item }],
  ];
  return `${events.map(([name, data]) => `event: ${name}\ndata: ${JSON.stringify(data)}\n\n`).join('')}event: ${type}\ndata: ${terminal}\n\n`;
}

/** Fed through the SSE parser (the terminal echo held as text) or with every payload parsed whole. */
function accumulate(text: string, whole: boolean): { acc: ResponseAccumulator; terminal: JsonObject } {
  const acc = new ResponseAccumulator();
  let terminal: JsonObject = {};
  const parser = new SseParser({
    onEvent: (event) => {
      terminal = whole ? (JSON.parse(event.raw) as JsonObject) : event.data;
      acc.push(terminal);
    },
  });
  parser.feed(Buffer.from(text));
  parser.end();
  return { acc, terminal };
}

const canonical = (value: unknown): string => JSON.stringify(value);

describe('the native answer written with the held echo (toResponseJson, finalTerminalEventJson)', () => {
  const upstream: Upstream = {
    instructions: canonical('You are a coding agent.\n"Quote" \\ é 😀 \u0001'.repeat(50)),
    tools: canonical([
      { type: 'function', name: 'shell', parameters: { type: 'object', properties: { cmd: { type: 'string' } } } },
    ]),
    before: {},
    after: { tool_choice: 'auto' },
  };

  it('is the text of the serialised objects, the echo left unparsed when upstream wrote it as JSON.stringify does', () => {
    const held = accumulate(stream(upstream), false);
    const whole = accumulate(stream(upstream), true);
    expect(held.acc.toResponseJson()).toBe(JSON.stringify(whole.acc.toResponse()));
    expect(held.acc.finalTerminalEventJson(held.terminal)).toBe(
      JSON.stringify(whole.acc.finalTerminalEvent(whole.terminal)),
    );
    const response = held.terminal['response'] as JsonObject;
    for (const key of ['instructions', 'tools'])
      expect(Object.getOwnPropertyDescriptor(response, key)?.get).toBeDefined();
    expect(JSON.parse(held.acc.toResponseJson())).toMatchObject({
      instructions: JSON.parse(upstream.instructions),
      output: [{ id: 'msg_1' }],
    });
  });

  it('parses and serialises an echo written otherwise, and one already read, as before', () => {
    const spaced = { ...upstream, instructions: ` ${upstream.instructions}`, tools: upstream.tools.replace(':', ': ') };
    const held = accumulate(stream(spaced), false);
    const whole = accumulate(stream(spaced), true);
    expect(held.acc.toResponseJson()).toBe(JSON.stringify(whole.acc.toResponse()));
    const response = held.terminal['response'] as JsonObject;
    response['tools'] = ['replaced'];
    expect(JSON.parse(held.acc.toResponseJson())).toMatchObject({ tools: ['replaced'] });
    expect(held.acc.finalTerminalEventJson(held.terminal)).toBe(
      JSON.stringify(held.acc.finalTerminalEvent(held.terminal)),
    );
  });

  it('writes an echo that does not parse as null, as the parsed event reads it', () => {
    const broken = { ...upstream, tools: '[{"a" 1}]' };
    const held = accumulate(stream(broken), false);
    expect(JSON.parse(held.acc.toResponseJson())).toMatchObject({ tools: null });
  });

  it('leaves alone the events it does not rebuild', () => {
    const held = accumulate(stream(upstream, 'response.failed'), false);
    expect(held.acc.finalTerminalEventJson(held.terminal)).toBeUndefined();
  });

  it('equals JSON.stringify of the answer for any echo, however upstream spelled it', () => {
    const spaces = fc.constantFrom('', '', '', ' ', '\n');
    const members = fc.dictionary(fc.string(), trickyJson, { maxKeys: 3 });
    fc.assert(
      fc.property(
        trickyJson,
        draws,
        trickyJson,
        draws,
        members,
        members,
        spaces,
        (instructions, a, tools, b, before, after, space) => {
          const upstream = {
            instructions: space + spell(instructions, a),
            tools: spell(tools, b) + space,
            before,
            after,
          };
          const text = stream(upstream);
          const whole = accumulate(text, true);
          expect(accumulate(text, false).acc.toResponseJson()).toBe(JSON.stringify(whole.acc.toResponse()));
          const held = accumulate(text, false);
          expect(held.acc.finalTerminalEventJson(held.terminal)).toBe(
            JSON.stringify(whole.acc.finalTerminalEvent(whole.terminal)),
          );
        },
      ),
      { numRuns: 500 },
    );
  });
});
