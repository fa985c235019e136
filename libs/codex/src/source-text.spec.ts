import fc from 'fast-check';
import { isRecord, type JsonObject } from './json';
import { normalizeResponsesRequest } from './normalize';
import { SourceText, stringifyWithSource } from './source-text';

/** Long enough to be spliced (short texts take JSON.stringify directly). */
const INSTRUCTIONS = `You are a coding agent.\n"Quotes", back\\slashes, tabs\t and ünïcödé 🚀.\n${'Be terse. '.repeat(600)}`;

function sourceOf(text: string): { parsed: JsonObject; source: SourceText } {
  const parsed = JSON.parse(text) as JsonObject;
  return { parsed, source: new SourceText(text, parsed) };
}

function codexBody(): JsonObject {
  return {
    model: 'gpt-5.3-codex',
    instructions: INSTRUCTIONS,
    input: [
      { type: 'message', role: 'user', content: [{ type: 'input_text', text: 'fix the bug' }] },
      { type: 'message', role: 'assistant', content: [{ type: 'input_text', text: 'done' }] },
      { type: 'function_call_output', call_id: 'c1', output: 'ok' },
    ],
    tools: [{ type: 'function', name: 'shell', parameters: { type: 'object', properties: { cmd: {} } } }],
    temperature: 0.2,
    stream: true,
  };
}

describe('stringifyWithSource', () => {
  it('sends the same JSON value as JSON.stringify of the normalised body, reusing the client text it can', () => {
    // Pretty-printed, with escapes JSON.stringify would spell otherwise: the text reused is the client's own.
    const text = JSON.stringify(codexBody(), null, 2).replace('coding agent', 'coding \\u0061gent');
    const { parsed, source } = sourceOf(text);
    const { body } = normalizeResponsesRequest(parsed);

    const sent = stringifyWithSource(body, source).toString('utf8');

    expect(JSON.parse(sent)).toEqual(JSON.parse(JSON.stringify(body)));
    expect(Object.keys(JSON.parse(sent) as JsonObject)).toEqual(Object.keys(body));
    expect(sent).toContain('coding \\u0061gent'); // the instructions as the client wrote them
    expect(sent).not.toContain('"temperature"'); // stripped by normalisation: not resurrected from the text
    // The assistant item was rewritten (input_text → output_text), the others travel as written.
    expect(sent).toContain('"type":"output_text"');
    expect(sent).toContain('"call_id": "c1"');
  });

  it('writes a value normalisation replaced, never the stale text of the parse', () => {
    const text = JSON.stringify({ ...codexBody(), instructions: `  ${INSTRUCTIONS}` });
    const { parsed, source } = sourceOf(text);
    const body: JsonObject = { ...parsed, instructions: 'replaced', tools: [...(parsed['tools'] as unknown[]), 1] };

    expect(JSON.parse(stringifyWithSource(body, source).toString())).toEqual(JSON.parse(JSON.stringify(body)));
  });

  it('writes lone surrogates and multi-byte text, reused or not, as the same values', () => {
    const text = `{"model":"m","instructions":${JSON.stringify(INSTRUCTIONS)},"note":"\\ud800 é","input":[{"t":"\\udfff 🚀"}]}`;
    const { parsed, source } = sourceOf(text);
    const body = { ...parsed, added: `x\ud800y ${'ü'.repeat(3000)}`, input: [...(parsed['input'] as unknown[])] };

    const sent = stringifyWithSource(body, source);

    // Every byte is written (a byte count off by one would leave a stray byte that JSON.parse refuses).
    expect(JSON.parse(sent.toString('utf8'))).toEqual(JSON.parse(JSON.stringify(body)));
    expect(sent.toString('utf8')).toContain('"note":"\\ud800 é"');
  });

  it('takes the last of repeated member names, as the parse did', () => {
    const text = `{"model":"m","input":[{"a":1}],"instructions":"first","instructions":${JSON.stringify(INSTRUCTIONS)}}`;
    const { parsed, source } = sourceOf(text);
    const body = { ...parsed, input: [...(parsed['input'] as unknown[])] };

    expect(JSON.parse(stringifyWithSource(body, source).toString())).toEqual(body);
  });

  it('falls back to JSON.stringify when the text is not the parse of that body', () => {
    const { parsed } = sourceOf(JSON.stringify(codexBody()));
    const wrong = new SourceText(JSON.stringify([1, 2, 3]).padEnd(5000, ' '), parsed);

    expect(stringifyWithSource(parsed, wrong).toString()).toBe(JSON.stringify(parsed));
  });

  it('matches JSON.stringify for any body and any change to it', () => {
    const member = fc.jsonValue({ maxDepth: 3 });
    const item = fc.dictionary(fc.string({ maxLength: 6 }), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 4 });
    const body = fc.record({
      model: fc.string(),
      instructions: fc.string({ minLength: 0, maxLength: 40 }),
      input: fc.array(fc.oneof(item, fc.jsonValue({ maxDepth: 1 })), { maxLength: 6 }),
      other: member,
    });
    fc.assert(
      fc.property(
        body,
        fc.boolean(),
        fc.nat(),
        fc.constantFrom(0, 2),
        member,
        (value, replaceInput, pick, indent, added) => {
          // Padded past the splicing threshold, in either compact or indented spelling.
          const text = JSON.stringify({ ...value, pad: INSTRUCTIONS }, null, indent);
          const { parsed, source } = sourceOf(text);
          const input = parsed['input'] as unknown[];
          const changed: JsonObject = { ...parsed, added, pad: undefined };
          if (replaceInput) {
            const copy = input.map((element, i) =>
              i === pick % Math.max(input.length, 1) && isRecord(element) ? { ...element, changed: true } : element,
            );
            changed['input'] = [...copy, undefined];
          }
          const sent = stringifyWithSource(changed, source).toString('utf8');
          expect(JSON.parse(sent)).toEqual(JSON.parse(JSON.stringify(changed)));
        },
      ),
      { numRuns: 300 },
    );
  });

  it('serialises a short body with JSON.stringify, where mapping the text would cost as much', () => {
    const { parsed, source } = sourceOf('{ "model": "m", "input": "\\u0061" }');

    expect(stringifyWithSource(parsed, source).toString()).toBe('{"model":"m","input":"a"}');
  });
});
