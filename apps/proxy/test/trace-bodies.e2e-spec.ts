import type { AddressInfo } from 'node:net';
import { readFileSync } from 'node:fs';
import { TracingService } from '@mcp/tracing';
import { createApp } from '../src/bootstrap';
import { startStack, type Stack } from './helpers/stack';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- admin shapes read loosely

/** Spelled as a client may: pretty-printed, \u escapes, raw non-ASCII, a surrogate pair both ways, U+2028. */
const CLEAN = `{
  "model": "gpt-5.3-codex",
  "input": "caf\\u00e9 café 😀 \\ud83d\\ude00 \u2028 \\"quoted\\": \\\\ tab\\t",
  "metadata": {"n": "1.50"}
}`;
const SECRET = 'sk-trace-secret-4242';
const REDACTED = JSON.stringify({
  model: 'gpt-5.3-codex',
  input: [{ role: 'user', content: [{ type: 'input_image', image_url: 'data:image/png;base64,AAAA' }] }],
  metadata: { api_key: SECRET },
});
/** The credential sits in a member the parse drops (its key repeats): it must not reach the trace either. */
const REPEATED = `{"model":"gpt-5.3-codex","input":"hi","metadata":{"password":"${SECRET}"},"metadata":{}}`;

/** The trace's body, both as GET /admin/traces/:id returns it and as its requests-trace.jsonl line holds it. */
describe('trace bodies: the client text or the redacted body, in the file and the admin API', () => {
  let stack: Stack;
  const ids: Record<string, string> = {};
  const admin = async (path: string, base = stack.baseUrl): Promise<Json> =>
    (await fetch(`${base}${path}`, { headers: { 'x-admin-token': stack.adminToken } })).json() as Promise<Json>;
  const send = async (name: string, text: string): Promise<void> => {
    const response = await fetch(`${stack.baseUrl}/v1/responses`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: 'Bearer open' },
      body: text,
    });
    expect(response.status).toBe(200);
    await response.text();
    ids[name] = response.headers.get('x-request-id') ?? '';
  };
  const fileLine = (id: string): string => {
    const line = readFileSync(stack.config.traceFilePath, 'utf8')
      .split('\n')
      .find((l) => l.includes(`"id":"${id}"`));
    if (!line) throw new Error(`no line for ${id}`);
    return line;
  };

  beforeAll(async () => {
    stack = await startStack({ accounts: 1 });
    await send('clean', CLEAN);
    await send('redacted', REDACTED);
    await send('repeated', REPEATED);
    await stack.app.get(TracingService).flush();
  });
  afterAll(async () => {
    await stack?.close();
  });

  it('stores an untouched body as the client sent it, and returns it as the same JSON', async () => {
    expect(fileLine(ids['clean']!)).toContain(`"requestBody":${CLEAN.replaceAll('\n', ' ')}}`);
    const { trace } = await admin(`/admin/traces/${ids['clean']}`);
    expect(trace.requestBody).toEqual(JSON.parse(CLEAN));
    expect(trace.requestBody.input).toBe('café café 😀 😀 \u2028 "quoted": \\ tab\t');
    const listed = await admin('/admin/traces?page=1&pageSize=10');
    expect(listed.traces.map((t: Json) => t.hasRequestBody)).toEqual([true, true, true]);
    expect(listed.traces[0]).not.toHaveProperty('requestBody');
  });

  it('redacts data URLs and credentials exactly as before, in the file and the API', async () => {
    const expected = {
      model: 'gpt-5.3-codex',
      input: [{ role: 'user', content: [{ type: 'input_image', image_url: '<data:image/png;base64, 3 bytes>' }] }],
      metadata: {},
    };
    expect(JSON.parse(fileLine(ids['redacted']!)).requestBody).toEqual(expected);
    expect((await admin(`/admin/traces/${ids['redacted']}`)).trace.requestBody).toEqual(expected);
    expect((await admin(`/admin/traces/${ids['repeated']}`)).trace.requestBody).toEqual(JSON.parse(REPEATED));
    expect(readFileSync(stack.config.traceFilePath, 'utf8')).not.toContain(SECRET);
    const exported = await (
      await fetch(`${stack.baseUrl}/admin/traces/export`, { headers: { 'x-admin-token': stack.adminToken } })
    ).text();
    expect(exported).not.toContain(SECRET);
    expect(
      exported
        .trim()
        .split('\n')
        .map((line) => (JSON.parse(line) as Json).requestBody),
    ).toEqual([JSON.parse(CLEAN), expected, JSON.parse(REPEATED)]);
  });

  it('gives the same bodies back after a restart', async () => {
    await stack.closeApp();
    const again = await createApp(stack.config);
    await again.listen(0, '127.0.0.1');
    try {
      const base = `http://127.0.0.1:${(again.getHttpServer().address() as AddressInfo).port}`;
      expect((await admin(`/admin/traces/${ids['clean']}`, base)).trace.requestBody).toEqual(JSON.parse(CLEAN));
      expect((await admin(`/admin/traces/${ids['redacted']}`, base)).trace.requestBody.metadata).toEqual({});
      const legacy = await admin('/admin/traces?limit=3', base);
      expect(legacy.traces[0].requestBody).toEqual(JSON.parse(CLEAN));
    } finally {
      await again.close();
    }
  });
});
