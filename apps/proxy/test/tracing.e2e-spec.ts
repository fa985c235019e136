import OpenAI from 'openai';
import type { AddressInfo } from 'node:net';
import { createApp } from '../src/bootstrap';
import { startStack, type Stack } from './helpers/stack';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- admin shapes read loosely

const sum = (values: number[]): number => values.reduce((a, b) => a + b, 0);

/**
 * A known mix of requests through the real gateway; traces, pagination, both stats endpoints and
 * /metrics must agree with exactly what the clients sent and received — also after a restart.
 */
describe('traces and stats agree with what was sent', () => {
  let stack: Stack;
  const admin = async (path: string, base = stack.baseUrl): Promise<Json> =>
    (await fetch(`${base}${path}`, { headers: { 'x-admin-token': stack.adminToken } })).json() as Promise<Json>;
  const received = { prompt: [] as number[], completion: [] as number[], cached: [] as number[] };
  const note = (
    usage:
      | { prompt_tokens?: number; completion_tokens?: number; input_tokens?: number; output_tokens?: number }
      | undefined
      | null,
    cached = 0,
  ) => {
    received.prompt.push(usage?.prompt_tokens ?? usage?.input_tokens ?? 0);
    received.completion.push(usage?.completion_tokens ?? usage?.output_tokens ?? 0);
    received.cached.push(cached);
  };

  beforeAll(async () => {
    stack = await startStack({ accounts: 2 });
    const client = new OpenAI({ baseURL: `${stack.baseUrl}/v1`, apiKey: 'open', maxRetries: 0 });
    const messages = (text: string) => [{ role: 'user' as const, content: text }];
    for (const text of ['a', 'b', 'c']) {
      const r = await client.chat.completions.create({ model: 'gpt-5.3-codex', messages: messages(text) });
      note(r.usage, r.usage?.prompt_tokens_details?.cached_tokens ?? 0);
    }
    for (const text of ['s1', 's2']) {
      const stream = await client.chat.completions.create({
        model: 'gpt-5.3-codex',
        messages: messages(text),
        stream: true,
        stream_options: { include_usage: true },
      });
      let usage;
      for await (const chunk of stream) usage = chunk.usage ?? usage;
      note(usage, usage?.prompt_tokens_details?.cached_tokens ?? 0);
    }
    for (const text of ['r1', 'r2']) {
      const r = await client.responses.create({ model: 'gpt-5.2-codex', input: text });
      note(r.usage, r.usage?.input_tokens_details.cached_tokens ?? 0);
    }
    stack.fake.inject(stack.accounts[0]!.fakeId, { kind: 'http', status: 503 });
    const failedOver = await client.responses.create({ model: 'gpt-5.2-codex', input: 'after a 503' });
    note(failedOver.usage, failedOver.usage?.input_tokens_details.cached_tokens ?? 0);
    await expect(
      client.chat.completions.create({ model: 'no-such-model', messages: messages('x') }),
    ).rejects.toMatchObject({ status: 404 });
    await expect(
      client.chat.completions.create({ model: 'gpt-5.3-codex', n: 2, messages: messages('x') }),
    ).rejects.toMatchObject({ status: 400 });
  });
  afterAll(async () => {
    await stack?.close();
  });

  it('lists every request newest first, paginated, with the legacy mode oldest first', async () => {
    const page1 = await admin('/admin/traces?page=1&pageSize=4');
    expect(page1.pagination).toEqual({ page: 1, pageSize: 4, total: 10, totalPages: 3, hasPrev: false, hasNext: true });
    const page3 = await admin('/admin/traces?page=3&pageSize=4');
    expect(page3.traces).toHaveLength(2);
    expect(page1.traces[0].status).toBe(400);
    expect(page1.traces[1].status).toBe(404);
    const failover = page1.traces[2];
    expect(failover.attempts.map((a: Json) => a.class)).toEqual(['transient', 'ok']);
    expect(failover.accountId).toBe(stack.accounts[1]!.id);
    const legacy = await admin('/admin/traces?limit=3');
    expect(legacy.traces.map((t: Json) => t.status)).toEqual([200, 404, 400]);
    expect(legacy.traces[0].requestBody.input).toBe('after a 503');
  });

  it('sums tokens and counts per route and model exactly as the clients saw them', async () => {
    const usage = await admin('/admin/stats/usage');
    expect(usage.totals).toMatchObject({ requests: 10, ok: 8, errors: 2, stream: 2 });
    expect(usage.totals.statusCounts).toEqual({ '200': 8, '400': 1, '404': 1 });
    expect(usage.totals.tokens).toMatchObject({
      prompt: sum(received.prompt),
      completion: sum(received.completion),
      cached: sum(received.cached),
      total: sum(received.prompt) + sum(received.completion),
    });
    const byRoute = Object.fromEntries(usage.byRoute.map((r: Json) => [r.route, r.requests]));
    expect(byRoute).toEqual({ '/v1/chat/completions': 7, '/v1/responses': 3 });
    const chatOnly = await admin('/admin/stats/usage?route=/v1/chat/completions');
    expect(chatOnly.totals.requests).toBe(7);
    const traces = await admin('/admin/stats/traces?bucketMs=60000');
    expect(traces.stats.totals).toMatchObject({ requests: 10, errors: 2, tokensInput: sum(received.prompt) });
    expect(sum(traces.stats.timeseries.map((p: Json) => p.requests))).toBe(10);
  });

  it('counts the same requests in /metrics', async () => {
    const text = await (
      await fetch(`${stack.baseUrl}/metrics`, { headers: { 'x-admin-token': stack.adminToken } })
    ).text();
    const total = sum(
      text
        .split('\n')
        .filter((line) => line.startsWith('mcp_http_requests_total{'))
        .map((line) => Number(line.split(' ').pop())),
    );
    expect(total).toBe(10);
    expect(text).toMatch(/mcp_failovers_total\{[^}]*\} 1/);
  });

  it('keeps traces and stats across a restart', async () => {
    const before = await admin('/admin/stats/usage');
    await stack.closeApp();
    const again = await createApp(stack.config);
    await again.listen(0, '127.0.0.1');
    try {
      const base = `http://127.0.0.1:${(again.getHttpServer().address() as AddressInfo).port}`;
      const after = await admin('/admin/stats/usage', base);
      expect(after.totals).toEqual(before.totals);
      expect((await admin('/admin/traces?page=1&pageSize=100', base)).pagination.total).toBe(10);
    } finally {
      await again.close();
    }
  });
});
