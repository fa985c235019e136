import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AnthropicModelMapView, TraceRecord } from '@mcp/contracts';
import { traceOf } from '../helpers/client';
import { startStack, type Stack } from '../helpers/stack';
import { admin, createClientKey } from './helpers';

describe('the /v1/messages surface: probe, envelopes, model map (PROTOCOL.md §14)', () => {
  let stack: Stack;
  let key: { id: string; secret: string };

  beforeAll(async () => {
    stack = await startStack({
      accounts: 1,
      env: { ANTHROPIC_MODEL_MAP: 'haiku=gpt-5.1-codex-mini', REQUEST_BODY_LIMIT: '64kb' },
    });
    key = await createClientKey(stack, 'surface');
  });
  afterAll(() => stack.close());

  function post(path: string, body: string, headers: Record<string, string> = {}): Promise<Response> {
    return fetch(`${stack.baseUrl}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': key.secret, ...headers },
      body,
    });
  }

  async function expectAnthropicError(response: Response, status: number, type: string): Promise<string> {
    expect(response.status).toBe(status);
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    const body = (await response.json()) as { type: string; error: { type: string; message: string } };
    expect(body).toMatchObject({ type: 'error', error: { type } });
    expect(body.error.message.length).toBeGreaterThan(0);
    return body.error.message;
  }

  it('answers Claude Code’s HEAD / probe with 200', async () => {
    expect((await fetch(`${stack.baseUrl}/`, { method: 'HEAD' })).status).toBe(200);
  });

  it('accepts ?beta=true and a Bearer key as well as x-api-key', async () => {
    const body = JSON.stringify({
      model: 'claude-haiku-4-5',
      max_tokens: 5,
      messages: [{ role: 'user', content: 'hi' }],
    });
    const response = await post('/v1/messages?beta=true', body, {
      'x-api-key': '',
      authorization: `Bearer ${key.secret}`,
    });
    expect(response.status).toBe(200);
    expect(((await response.json()) as { content: unknown[] }).content).toEqual([
      { type: 'text', text: 'echo: hi', citations: null },
    ]);
    const trace = await traceOf(stack, response.headers.get('x-request-id'));
    expect(trace).toMatchObject({ route: '/v1/messages', upstreamModel: 'gpt-5.1-codex-mini', clientKeyId: key.id });
  });

  it('renders body, auth and route errors in Anthropic’s envelope, never OpenAI’s', async () => {
    expect(await expectAnthropicError(await post('/v1/messages', '{"model":'), 400, 'invalid_request_error')).toMatch(
      /JSON/,
    );
    await expectAnthropicError(await post('/v1/messages', '{}', { 'x-api-key': 'nope' }), 401, 'authentication_error');
    await expectAnthropicError(await post('/v1/messages/batches', '{}'), 404, 'not_found_error');
    const huge = JSON.stringify({ model: 'claude-x', messages: [{ role: 'user', content: 'x'.repeat(100_000) }] });
    await expectAnthropicError(await post('/v1/messages', huge), 413, 'request_too_large');
    const wrongMethod = await fetch(`${stack.baseUrl}/v1/messages`, { headers: { 'x-api-key': key.secret } });
    await expectAnthropicError(wrongMethod, 405, 'invalid_request_error');
    expect(wrongMethod.headers.get('allow')).toBe('POST');
    const message = await expectAnthropicError(
      await post(
        '/v1/messages',
        JSON.stringify({
          model: 'claude-x',
          max_tokens: 5,
          messages: [{ role: 'user', content: [{ type: 'container_upload', file_id: 'f' }] }],
        }),
      ),
      400,
      'invalid_request_error',
    );
    expect(message).toContain('messages[0].content[0]');
  });

  it('counts /v1/messages in the stats and /metrics by route', async () => {
    const stats = await admin<{ totals: { requests: number } }>(stack, 'GET', '/admin/stats/usage?route=/v1/messages');
    expect(stats.status).toBe(200);
    expect(stats.body.totals.requests).toBeGreaterThanOrEqual(1);
    const metrics = await (
      await fetch(`${stack.baseUrl}/metrics`, { headers: { 'x-admin-token': stack.adminToken } })
    ).text();
    expect(metrics).toMatch(/mcp_http_requests_total\{[^}]*route="\/v1\/messages"[^}]*status="200"[^}]*\} [1-9]/);
  });

  it('keeps /v1/models OpenAI-shaped', async () => {
    const response = await fetch(`${stack.baseUrl}/v1/models`, { headers: { 'x-api-key': key.secret } });
    expect(((await response.json()) as { object: string }).object).toBe('list');
  });

  describe('the model map admin route', () => {
    const path = '/admin/anthropic/model-map';

    it('needs the admin token', async () => {
      expect((await fetch(`${stack.baseUrl}${path}`)).status).toBe(401);
    });

    it('shows the environment’s map over the defaults', async () => {
      const { status, body } = await admin<AnthropicModelMapView>(stack, 'GET', path);
      expect(status).toBe(200);
      expect(body).toMatchObject({
        source: 'environment',
        map: { haiku: 'gpt-5.1-codex-mini', opus: 'gpt-5.3-codex', default: 'gpt-5.3-codex' },
        updatedAt: null,
      });
    });

    it('refuses a bad map with field errors', async () => {
      const bad = await admin<{ message: string[] }>(stack, 'PUT', path, { map: { opus: 'not a model!', '???': 'x' } });
      expect(bad.status).toBe(400);
      expect(bad.body.message).toEqual(
        expect.arrayContaining([expect.stringMatching(/^map\.opus: /), expect.stringMatching(/^map\.\?\?\?: /)]),
      );
      expect((await admin(stack, 'PUT', path, { nope: 1 })).status).toBe(400);
      expect((await admin(stack, 'PUT', path, { map: { opus: 'gpt-5.2' } })).status).toBe(400);
    });

    it('applies an edit at once, stores it under DATA_DIR, and resets to the environment', async () => {
      const put = await admin<AnthropicModelMapView>(stack, 'PUT', path, {
        map: { opus: 'gpt-5.2', default: 'gpt-5.2-codex' },
      });
      expect(put.status).toBe(200);
      expect(put.body).toMatchObject({ source: 'dashboard', map: { opus: 'gpt-5.2', default: 'gpt-5.2-codex' } });
      const stored = JSON.parse(readFileSync(join(stack.config.dataDir, 'anthropic-model-map.json'), 'utf8')) as {
        map: Record<string, string>;
      };
      expect(stored.map).toEqual({ opus: 'gpt-5.2', default: 'gpt-5.2-codex' });
      const body = JSON.stringify({
        model: 'claude-opus-4-8',
        max_tokens: 5,
        messages: [{ role: 'user', content: 'hi' }],
      });
      const answered = await post('/v1/messages', body);
      expect(answered.status).toBe(200);
      const trace: TraceRecord = await traceOf(stack, answered.headers.get('x-request-id'));
      expect(trace.upstreamModel).toBe('gpt-5.2');
      const reset = await admin<AnthropicModelMapView>(stack, 'DELETE', path);
      expect(reset.body).toMatchObject({ source: 'environment', map: { opus: 'gpt-5.3-codex' } });
    });
  });
});
