import type { TraceRecord } from '@mcp/contracts';
import { traceRecord } from '@mcp/testing/history';
import { JsonText, encodeTrace, fullTrace, storeTrace, traceJsonText } from './trace-line';

/** A client body spelled the way clients spell them: escapes, raw non-ASCII, surrogate pairs, U+2028, spaces. */
const CLIENT_TEXT =
  '{"model":"gpt-5.3-codex","input":[{"role":"user","content":"caf\\u00e9 café 😀 \\ud83d\\ude00 \u2028 \\"quoted\\": \\\\ \\n\\t"}],' +
  ' "n": 1.50, "nested": {"empty": {}, "list": [ 1, -0, 2e3 ]}}';

function lineText(line: Buffer): string {
  return line.toString('utf8');
}

describe('trace lines', () => {
  it('writes a JsonText body into the line byte for byte, as the last key', () => {
    const trace = traceRecord({ id: 't1', requestBody: new JsonText(CLIENT_TEXT) });
    const { stored, line } = encodeTrace(trace);
    const text = lineText(line);
    expect(text.endsWith(`,"requestBody":${CLIENT_TEXT}}\n`)).toBe(true);
    expect(text.indexOf('\n')).toBe(text.length - 1);
    const { requestBody: _body, ...rest } = trace;
    expect(JSON.parse(text)).toEqual({ ...JSON.parse(JSON.stringify(rest)), requestBody: JSON.parse(CLIENT_TEXT) });
    expect(stored.record).not.toHaveProperty('requestBody');
    expect(fullTrace(stored)?.requestBody).toEqual(JSON.parse(CLIENT_TEXT));
    expect(stored.line?.toString('utf8')).toBe(text.slice(0, -1));
  });

  it('keeps a pretty-printed body on one line, its line breaks turned into spaces', () => {
    const pretty = JSON.stringify({ model: 'm', input: 'two\nlines', list: [1, 2] }, null, 2);
    const { stored, line } = encodeTrace(traceRecord({ id: 't2', requestBody: new JsonText(pretty) }));
    const text = lineText(line);
    expect(text.indexOf('\n')).toBe(text.length - 1);
    expect(fullTrace(stored)?.requestBody).toEqual({ model: 'm', input: 'two\nlines', list: [1, 2] });
  });

  it('serialises any other body with the rest, as before', () => {
    const trace = traceRecord({
      id: 't3',
      requestBody: { input: [{ image_url: '<data:image/png;base64, 3 bytes>' }] },
    });
    const { stored, line } = encodeTrace(trace);
    expect(lineText(line)).toBe(`${JSON.stringify(trace)}\n`);
    expect(fullTrace(stored)).toEqual(trace);
  });

  it('keeps no line for a trace without a body', () => {
    const trace = traceRecord({ id: 't4' });
    const { stored, line } = encodeTrace(trace);
    expect(stored.line).toBeUndefined();
    expect(fullTrace(stored)).toBe(stored.record);
    expect(JSON.parse(lineText(line))).toEqual(JSON.parse(JSON.stringify(trace)));
  });

  it('keeps a trace read back by its own line, parsing the body only when asked', () => {
    const written = `${JSON.stringify(traceRecord({ id: 't5' })).slice(0, -1)},"requestBody":${CLIENT_TEXT}}`;
    const stored = storeTrace(JSON.parse(written) as TraceRecord, written);
    expect(stored.record).not.toHaveProperty('requestBody');
    expect(stored.line?.toString('utf8')).toBe(written);
    expect(fullTrace(stored)?.requestBody).toEqual(JSON.parse(CLIENT_TEXT));
    const fromRow = storeTrace(traceRecord({ id: 't6', requestBody: { input: 'x' } }));
    expect(fullTrace(fromRow)?.requestBody).toEqual({ input: 'x' });
  });

  it("keeps only the place of a line the file holds, and takes a body only from that trace's own line", () => {
    const written = `${JSON.stringify(traceRecord({ id: 't8' })).slice(0, -1)},"requestBody":{"input":"x"}}`;
    const stored = storeTrace(JSON.parse(written) as TraceRecord, written, { epoch: 0, offset: 10, length: 20 });
    expect(stored.line).toBeUndefined();
    expect(fullTrace(stored)).toBeUndefined();
    expect(fullTrace(stored, Buffer.from(written))?.requestBody).toEqual({ input: 'x' });
    const other = JSON.stringify(traceRecord({ id: 'other', requestBody: { input: 'y' } }));
    expect(fullTrace(stored, Buffer.from(other))).toBeUndefined();
    expect(fullTrace(stored, Buffer.from('{"id":"t8","requestBo'))).toBeUndefined();
  });

  it('gives a shared store the same JSON, or the parsed body when the store refuses its text', () => {
    const trace = traceRecord({ id: 't7', requestBody: new JsonText('{"input":"nul \\u0000"}') });
    const spliced = traceJsonText(trace, JSON.stringify);
    expect(JSON.parse(spliced)).toMatchObject({ id: 't7', requestBody: { input: 'nul \u0000' } });
    const refused = traceJsonText(
      trace,
      (value) => JSON.stringify(value).replaceAll('\\u0000', '?'),
      (text) => !text.includes('\\u0000'),
    );
    expect(JSON.parse(refused)).toMatchObject({ id: 't7', requestBody: { input: 'nul ?' } });
  });
});
