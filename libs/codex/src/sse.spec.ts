import fc from 'fast-check';
import { SseParser, serializeSse, serializeSseRaw, sseComment, sseData, type SseEvent } from './sse';
import { TEXT } from './__fixtures__/responses-streams';

function collect(): { parser: SseParser; events: SseEvent[]; invalid: string[]; comments: string[] } {
  const events: SseEvent[] = [];
  const invalid: string[] = [];
  const comments: string[] = [];
  const parser = new SseParser({
    onEvent: (e) => events.push(e),
    onInvalid: (raw) => invalid.push(raw),
    onComment: (c) => comments.push(c),
  });
  return { parser, events, invalid, comments };
}

const WIRE = TEXT.map((e) => serializeSse(e as { type: string })).join('');

describe('SseParser', () => {
  it('parses a recorded upstream stream into typed events keyed on data.type', () => {
    const { parser, events } = collect();
    parser.feed(WIRE);
    parser.end();
    expect(events.map((e) => e.type)).toEqual(TEXT.map((e) => e['type']));
    expect(events[0]?.data['response']).toMatchObject({ id: 'resp_fixture' });
  });

  it('gives the same events however the bytes are split, multi-byte characters included', () => {
    const text =
      'event: response.output_text.delta\ndata: {"type":"response.output_text.delta","delta":"héllo 🌍 ✓"}\n\n';
    const bytes = new TextEncoder().encode(text + text);
    for (let cut = 0; cut <= bytes.length; cut++) {
      const { parser, events, invalid } = collect();
      parser.feed(bytes.subarray(0, cut));
      parser.feed(bytes.subarray(cut));
      parser.end();
      expect(invalid).toEqual([]);
      expect(events.map((e) => e.data['delta'])).toEqual(['héllo 🌍 ✓', 'héllo 🌍 ✓']);
    }
  });

  it('decodes bytes as TextDecoder does, invalid UTF-8 included, wherever the chunks are cut', () => {
    // Payload bytes that cannot end the JSON string or the SSE line; anything from 0x80 up, valid UTF-8 or not.
    const payloadByte = fc.oneof(fc.integer({ min: 0x20, max: 0x7e }), fc.integer({ min: 0x80, max: 0xff }));
    const safe = payloadByte.filter((b) => b !== 0x22 && b !== 0x5c);
    fc.assert(
      fc.property(fc.array(safe, { maxLength: 60 }), fc.array(fc.nat(), { maxLength: 5 }), (payload, cutSeeds) => {
        const wire = Buffer.concat([
          Buffer.from('data: {"type":"t","s":"'),
          Buffer.from(payload),
          Buffer.from('"}\n\n'),
        ]);
        const cuts = [...new Set(cutSeeds.map((seed) => seed % (wire.length + 1)))].sort((a, b) => a - b);
        const { parser, events } = collect();
        let from = 0;
        for (const cut of [...cuts, wire.length]) {
          parser.feed(wire.subarray(from, cut));
          from = cut;
        }
        parser.end();
        const expected = `{"type":"t","s":"${new TextDecoder().decode(Buffer.from(payload))}"}`;
        expect(events.map((event) => event.raw)).toEqual([expected]);
      }),
      { numRuns: 300 },
    );
  });

  it('drops a byte order mark at the start of the stream only, even when it is split', () => {
    const bom = Buffer.from([0xef, 0xbb, 0xbf]);
    const wire = Buffer.concat([bom, Buffer.from('data: {"type":"a","s":"'), bom, Buffer.from('"}\n\n')]);
    const { parser, events } = collect();
    parser.feed(wire.subarray(0, 2));
    parser.feed(wire.subarray(2));
    expect(events.map((event) => event.data['s'])).toEqual(['\ufeff']);
  });

  it('handles every split position of a whole recorded stream, as strings', () => {
    for (let cut = 0; cut <= WIRE.length; cut += 7) {
      const { parser, events } = collect();
      parser.feed(WIRE.slice(0, cut));
      parser.feed(WIRE.slice(cut));
      parser.end();
      expect(events).toHaveLength(TEXT.length);
    }
  });

  it('accepts \\r\\n line endings, also split between \\r and \\n', () => {
    const wire = 'event: x\r\ndata: {"type":"a","n":1}\r\n\r\ndata: {"type":"b"}\r\n\r\n';
    const cut = wire.indexOf('\n');
    const { parser, events } = collect();
    parser.feed(wire.slice(0, cut));
    parser.feed(wire.slice(cut));
    parser.end();
    expect(events.map((e) => e.type)).toEqual(['a', 'b']);
  });

  it('joins several data lines with a newline before parsing', () => {
    const { parser, events } = collect();
    parser.feed('data: {"type":"multi",\ndata: "text":"x"}\n\n');
    expect(events).toHaveLength(1);
    expect(events[0]?.data).toEqual({ type: 'multi', text: 'x' });
    expect(events[0]?.raw).toBe('{"type":"multi",\n"text":"x"}');
  });

  it('keys on data.type rather than the event: line, and falls back to the event line without one', () => {
    const { parser, events } = collect();
    parser.feed('event: misleading\ndata: {"type":"response.completed"}\n\nevent: named\ndata: {"x":1}\n\n');
    expect(events.map((e) => e.type)).toEqual(['response.completed', 'named']);
  });

  it('reports comments, ignores id:/retry: and [DONE]', () => {
    const { parser, events, invalid, comments } = collect();
    parser.feed(': keepalive\n\nid: 7\nretry: 1000\ndata: {"type":"a"}\n\ndata: [DONE]\n\n');
    expect(events.map((e) => e.type)).toEqual(['a']);
    expect(invalid).toEqual([]);
    expect(comments).toEqual(['keepalive']);
  });

  it('counts unparsable payloads and payloads that are not typed objects, and keeps going', () => {
    const { parser, events, invalid } = collect();
    parser.feed('data: {not json\n\ndata: [1,2]\n\ndata: "str"\n\ndata: {"type":"ok"}\n\n');
    expect(invalid).toEqual(['{not json', '[1,2]', '"str"']);
    expect(parser.invalidCount).toBe(3);
    expect(events.map((e) => e.type)).toEqual(['ok']);
  });

  it('delivers a complete final event that lacks its blank line at EOF', () => {
    const { parser, events } = collect();
    parser.feed('data: {"type":"response.completed"}\n');
    expect(events).toHaveLength(0);
    parser.end();
    expect(events.map((e) => e.type)).toEqual(['response.completed']);
  });

  it('treats a payload cut off at EOF as invalid, never as an event', () => {
    const { parser, events, invalid } = collect();
    parser.feed('data: {"type":"response.completed","response":{"id"');
    parser.end();
    expect(events).toEqual([]);
    expect(invalid).toHaveLength(1);
  });

  it('ignores input after end()', () => {
    const { parser, events } = collect();
    parser.end();
    parser.feed('data: {"type":"late"}\n\n');
    expect(events).toEqual([]);
  });
});

describe('SSE writers', () => {
  it('serializeSse frames an event as upstream does and parses back to the same object', () => {
    const frame = serializeSse({ type: 'response.output_text.delta', delta: 'a\nb' });
    expect(frame).toBe(
      'event: response.output_text.delta\ndata: {"type":"response.output_text.delta","delta":"a\\nb"}\n\n',
    );
    const { parser, events } = collect();
    parser.feed(frame);
    expect(events[0]?.data).toEqual({ type: 'response.output_text.delta', delta: 'a\nb' });
  });

  it('serializeSseRaw relays a multi-line payload as several data lines', () => {
    expect(serializeSseRaw('t', '{"type":"t",\n"a":1}')).toBe('event: t\ndata: {"type":"t",\ndata: "a":1}\n\n');
  });

  it('sseData and sseComment', () => {
    expect(sseData('[DONE]')).toBe('data: [DONE]\n\n');
    expect(sseData({ a: 1 })).toBe('data: {"a":1}\n\n');
    expect(sseComment('keep\nalive')).toBe(': keep alive\n\n');
  });
});
