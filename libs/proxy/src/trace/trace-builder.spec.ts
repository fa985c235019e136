import { FakeClock } from '@mcp/testing';
import { JsonText, normalizeRoute } from '@mcp/tracing';
import { TraceBuilder } from './trace-builder';

const START = { id: '6f7a1c2e-0000-4000-8000-000000000001', at: 1_767_261_600_000, method: 'POST', stream: true };

describe('normalizeRoute', () => {
  it('records root aliases as their /v1 route, without query or trailing slash', () => {
    expect(normalizeRoute('/responses')).toBe('/v1/responses');
    expect(normalizeRoute('/chat/completions?x=1')).toBe('/v1/chat/completions');
    expect(normalizeRoute('/v1/responses/compact/')).toBe('/v1/responses/compact');
    expect(normalizeRoute('/v1/chat/completions')).toBe('/v1/chat/completions');
    expect(normalizeRoute('/backend-api/codex/responses/')).toBe('/backend-api/codex/responses');
  });
});

describe('TraceBuilder', () => {
  it('builds the PROTOCOL.md §10.4 record with tokens, attempts and the client key id', () => {
    const trace = new TraceBuilder({ ...START, route: '/responses', clientKeyId: 'key_abc' });
    trace.model = 'openai/gpt-5.3-codex';
    trace.upstreamModel = 'gpt-5.3-codex';
    trace.accountId = 'acc_2';
    trace.accountEmail = 'user2@example.com';
    trace.addAttempt({ accountId: 'acc_1', status: 429, class: 'quota', latencyMs: 12, message: 'usage limit' });
    trace.addAttempt({ accountId: 'acc_2', status: 200, class: 'ok', latencyMs: 40 });
    trace.markCommitted();
    trace.tokens = { input: 1200, cached: 1024, output: 300, reasoning: 192, total: 1500 };
    trace.finishReason = 'stop';
    trace.status = 200;
    const record = trace.build();
    expect(record).toEqual(
      expect.objectContaining({
        id: START.id,
        at: START.at,
        route: '/v1/responses',
        method: 'POST',
        stream: true,
        accountId: 'acc_2',
        accountEmail: 'user2@example.com',
        clientKeyId: 'key_abc',
        model: 'openai/gpt-5.3-codex',
        upstreamModel: 'gpt-5.3-codex',
        status: 200,
        isError: false,
        finishReason: 'stop',
        tokensInput: 1200,
        tokensInputCached: 1024,
        tokensOutput: 300,
        tokensReasoning: 192,
        tokensTotal: 1500,
      }),
    );
    expect(record?.attempts.map((a) => [a.accountId, a.class])).toEqual([
      ['acc_1', 'quota'],
      ['acc_2', 'ok'],
    ]);
    expect(record?.ttfbMs).not.toBeNull();
    expect(record?.latencyMs).toBeGreaterThanOrEqual(record?.ttfbMs ?? 0);
  });

  it('marks status >= 400 as an error, keeps the first 500 chars of the upstream error, and has no ttfb without commit', () => {
    const trace = new TraceBuilder({ ...START, route: '/v1/chat/completions' });
    trace.status = 503;
    trace.error = 'No account can serve the model right now';
    trace.noteUpstreamError('x'.repeat(2000));
    const record = trace.build();
    expect(record?.isError).toBe(true);
    expect(record?.upstreamError).toHaveLength(500);
    expect(record?.ttfbMs).toBeNull();
    expect(record?.tokensTotal).toBe(0);
    expect(record).not.toHaveProperty('requestBody');
  });

  it('keeps an in-stream failure at status 200 with the error set (§12.3)', () => {
    const trace = new TraceBuilder({ ...START, route: '/v1/responses' });
    trace.status = 200;
    trace.error = 'The upstream stream ended before a terminal event';
    const record = trace.build();
    expect([record?.status, record?.isError, record?.error]).toEqual([
      200,
      false,
      'The upstream stream ended before a terminal event',
    ]);
  });

  it('is built once: a second build returns nothing, so a request is never traced twice', () => {
    const trace = new TraceBuilder({ ...START, route: '/v1/responses' });
    expect(trace.build()).toBeDefined();
    expect(trace.build()).toBeUndefined();
  });

  it('reports overhead without the time spent waiting on upstream', async () => {
    const clock = new FakeClock();
    const trace = new TraceBuilder({ ...START, route: '/v1/responses' }, clock);
    clock.advance(1);
    await trace.waitUpstream(Promise.resolve().then(() => clock.advance(60)));
    expect(trace.overheadMs()).toBeLessThan(trace.build()?.latencyMs ?? 0);
  });

  it('counts from the arrival of the request when given, reporting overhead to 0.01 ms', () => {
    const trace = new TraceBuilder({ ...START, route: '/v1/responses', startedAt: performance.now() - 5 });
    const overhead = trace.overheadMs();
    expect(overhead).toBeGreaterThanOrEqual(5);
    expect(Math.round(overhead * 100) / 100).toBe(overhead);
    expect(trace.build()?.latencyMs).toBeGreaterThanOrEqual(5);
  });

  it('keeps the client text as the body when redaction changes nothing, else the redacted body', () => {
    const clean = '{"model":"m","input":"caf\\u00e9"}';
    const kept = new TraceBuilder({ ...START, route: '/v1/responses' });
    kept.keepRequestBody(JSON.parse(clean), clean);
    const body = kept.build()?.requestBody;
    expect(body).toBeInstanceOf(JsonText);
    expect((body as JsonText).text).toBe(clean);
    const secret = '{"model":"m","api_key":"sk-live","image":"data:text/plain,hello"}';
    const redacted = new TraceBuilder({ ...START, route: '/v1/responses' });
    redacted.keepRequestBody(JSON.parse(secret), secret);
    const redactedBody = redacted.build()?.requestBody;
    expect(redactedBody).not.toBeInstanceOf(JsonText);
    expect(redactedBody).toEqual({ model: 'm', image: '<data:text/plain, 5 bytes>' });
    const parsedOnly = new TraceBuilder({ ...START, route: '/v1/responses' });
    parsedOnly.keepRequestBody({ input: 'x' }, undefined);
    expect(parsedOnly.build()?.requestBody).toEqual({ input: 'x' });
  });
});
