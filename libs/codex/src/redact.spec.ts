import { redactBody, redactDataUrl, redactForTrace } from './redact';

describe('redactBody', () => {
  it('replaces data URLs with their type and size (§10.4)', () => {
    const payload = Buffer.alloc(123456, 7).toString('base64');
    const body = {
      input: [
        {
          type: 'message',
          role: 'user',
          content: [
            { type: 'input_image', image_url: `data:image/png;base64,${payload}` },
            { type: 'input_text', text: 'data is fine' },
          ],
        },
      ],
    };
    expect(redactBody(body)).toEqual({
      input: [
        {
          type: 'message',
          role: 'user',
          content: [
            { type: 'input_image', image_url: '<data:image/png;base64, 123456 bytes>' },
            { type: 'input_text', text: 'data is fine' },
          ],
        },
      ],
    });
  });

  it('drops fields that look like credentials, at any depth', () => {
    const body = {
      model: 'm',
      api_key: 'sk-1',
      nested: { Authorization: 'Bearer x', refresh_token: 'r', accessToken: 'a', keep: 1 },
    };
    expect(redactBody(body)).toEqual({ model: 'm', nested: { keep: 1 } });
  });

  it('does not modify the original and passes primitives through', () => {
    const body = { a: 'data:text/plain,hello' };
    expect(redactBody(body)).toEqual({ a: '<data:text/plain, 5 bytes>' });
    expect(body.a).toBe('data:text/plain,hello');
    expect(redactBody(null)).toBeNull();
    expect(redactBody(5)).toBe(5);
  });

  it('copies only the branches it redacts, keeping key order, and never changes the original', () => {
    const clean = { model: 'm', input: [{ role: 'user', content: 'data is fine' }], tools: [{ name: 't' }] };
    expect(redactBody(clean)).toBe(clean);
    const body = {
      model: 'm',
      tools: [{ name: 't' }],
      input: [{ text: 'x' }, { image_url: 'data:text/plain,hello', api_key: 'k', detail: 'low' }],
    };
    const redacted = redactBody(body);
    expect(redacted).toEqual({
      model: 'm',
      tools: [{ name: 't' }],
      input: [{ text: 'x' }, { image_url: '<data:text/plain, 5 bytes>', detail: 'low' }],
    });
    expect(Object.keys(redacted)).toEqual(['model', 'tools', 'input']);
    expect(Object.keys(redacted.input[1] ?? {})).toEqual(['image_url', 'detail']);
    expect(redacted.tools).toBe(body.tools);
    expect(redacted.input[0]).toBe(body.input[0]);
    expect(body.input[1]).toEqual({ image_url: 'data:text/plain,hello', api_key: 'k', detail: 'low' });
  });

  it('leaves strings that merely start with "data:" but are not data URLs', () => {
    expect(redactDataUrl('data: not a url')).toBe('data: not a url');
  });
});

describe('redactForTrace', () => {
  const kept = (text: string) => redactForTrace(JSON.parse(text), text);

  it('keeps the client text itself when nothing is redacted, whatever its spelling', () => {
    const texts = [
      '{"model":"m","input":[{"role":"user","content":"caf\\u00e9 \\ud83d\\ude00 😀 \\"q\\": a\\\\"}]}',
      '{\n  "model": "m",\n  "input": "x",\n  "n": 1.50, "big": 1e400\n}',
      '{"a\\\\":1,"b":{"c":"\\":"}}',
    ];
    for (const text of texts) expect(kept(text)).toEqual({ text });
  });

  it('gives the redacted value instead when something is redacted', () => {
    const text = '{"model":"m","nested":{"api_key":"sk-1","keep":1},"img":"data:text/plain,hello"}';
    expect(kept(text)).toEqual({ value: { model: 'm', nested: { keep: 1 }, img: '<data:text/plain, 5 bytes>' } });
  });

  it('never keeps a text whose repeated keys hid a credential from the parse', () => {
    const text = '{"model":"m","x":{"password":"hunter2"},"x":1}';
    const result = kept(text);
    expect(result.text).toBeUndefined();
    expect(JSON.stringify(result.value)).not.toContain('hunter2');
    expect(kept('{"x":{"pass\\u0077ord":"hunter2"},"x":1}').text).toBeUndefined();
  });

  it('falls back to the value when it cannot count the members of the text', () => {
    expect(kept('{"model" : "m"}')).toEqual({ value: { model: 'm' } });
    // A string that starts with a colon reads like one member too many: still correct, only not the text.
    expect(kept('{"a":":b"}')).toEqual({ value: { a: ':b' } });
    expect(redactForTrace({ a: 1 }, undefined)).toEqual({ value: { a: 1 } });
  });
});
