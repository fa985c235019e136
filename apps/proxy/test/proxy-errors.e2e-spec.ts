import OpenAI from 'openai';
import { openai, postJson, traceOf } from './helpers/client';
import { startStack, type Stack } from './helpers/stack';

const MODEL = 'gpt-5.3-codex';

// Produced with `zstd -19`: {"model":"gpt-5.3-codex","input":"hello zstd","note":"aaa…"} (356 bytes), as Codex CLI sends.
const ZSTD_BODY =
  'KLUv/WRkAOUBAJLDDBKQzwEktsoCxlIUu28GUKzN7Jj35+Ys+z08yVhBt8br5nLCxx5OOTUSZBQhobp549TuNgEAh6ICKNgJmkY=';

interface Envelope {
  error: { message: string; type: string; code: string | null; param: string | null };
}

async function expectEnvelope(
  response: Response,
  status: number,
  code: string,
  param: string | null = null,
): Promise<Envelope> {
  expect(response.status).toBe(status);
  expect(response.headers.get('content-type')).toContain('application/json');
  expect(response.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  const body = (await response.json()) as Envelope;
  expect(body.error).toEqual(expect.objectContaining({ code, param }));
  expect(typeof body.error.message).toBe('string');
  expect(typeof body.error.type).toBe('string');
  return body;
}

describe('/v1 errors, models and request bodies', () => {
  let stack: Stack;
  let client: OpenAI;

  beforeAll(async () => {
    stack = await startStack({ accounts: 1, env: { REQUEST_BODY_LIMIT: '16kb' } });
    client = openai(stack);
  });

  afterAll(async () => {
    await stack.close();
  });

  it('lists the discovered models with their metadata and the native catalogue', async () => {
    const list = await client.models.list();
    const ids = list.data.map((m) => m.id);
    expect(ids).toEqual(expect.arrayContaining([MODEL, 'gpt-5.2-codex']));
    expect(ids).not.toContain('codex-auto-review');
    const model = list.data.find((m) => m.id === MODEL) as unknown as Record<string, unknown>;
    expect(model).toEqual(
      expect.objectContaining({
        object: 'model',
        owned_by: 'multicodex-proxy',
        metadata: expect.objectContaining({ context_window: 272000, supports_reasoning: true, supports_tools: true }),
      }),
    );
    const raw = (await (await fetch(`${stack.baseUrl}/v1/models`)).json()) as { models: Array<{ slug: string }> };
    expect(raw.models.map((m) => m.slug)).toContain('codex-auto-review');
  });

  it('returns one model by id, also at the root alias, and 404 for an unknown id', async () => {
    expect((await client.models.retrieve(MODEL)).id).toBe(MODEL);
    const root = await fetch(`${stack.baseUrl}/models/${MODEL}`);
    expect(((await root.json()) as { id: string }).id).toBe(MODEL);
    const body = await expectEnvelope(
      await fetch(`${stack.baseUrl}/v1/models/nope-9`),
      404,
      'model_not_found',
      'model',
    );
    expect(body.error.message).toBe("The model 'nope-9' does not exist");
  });

  it('refuses a model missing from the discovered catalogue with 404 before calling upstream', async () => {
    const response = await postJson(stack, '/v1/responses', { model: 'gpt-9-imaginary', input: 'hi' });
    await expectEnvelope(response, 404, 'model_not_found', 'model');
    const trace = await traceOf(stack, response.headers.get('x-request-id'));
    expect([trace.status, trace.isError, trace.attempts]).toEqual([404, true, []]);
  });

  it('answers malformed JSON with a 400 envelope', async () => {
    await expectEnvelope(await postJson(stack, '/v1/chat/completions', '{"model": '), 400, 'invalid_request_error');
  });

  it('answers a missing model with 400 naming the param', async () => {
    await expectEnvelope(
      await postJson(stack, '/v1/responses', { input: 'hi' }),
      400,
      'invalid_request_error',
      'model',
    );
  });

  it('answers an unsupported parameter value with 400 naming the param', async () => {
    const response = await postJson(stack, '/v1/chat/completions', {
      model: MODEL,
      n: 3,
      messages: [{ role: 'user', content: 'x' }],
    });
    await expectEnvelope(response, 400, 'unsupported_parameter', 'n');
  });

  it('answers a body over REQUEST_BODY_LIMIT with 413', async () => {
    const response = await postJson(stack, '/v1/responses', { model: MODEL, input: 'x'.repeat(20_000) });
    await expectEnvelope(response, 413, 'payload_too_large');
  });

  it('accepts a zstd-encoded body', async () => {
    const response = await fetch(`${stack.baseUrl}/v1/responses`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'content-encoding': 'zstd' },
      body: Buffer.from(ZSTD_BODY, 'base64'),
    });
    expect(response.status).toBe(200);
    expect(
      ((await response.json()) as { output_text?: string; output: Array<{ content?: Array<{ text: string }> }> })
        .output[0]?.content?.[0]?.text,
    ).toBe('echo: hello zstd');
  });

  it('answers an unknown /v1 route with 404 unknown_url', async () => {
    const body = await expectEnvelope(await postJson(stack, '/v1/embeddings', { model: MODEL }), 404, 'unknown_url');
    expect(body.error.message).toBe('Unknown request URL: POST /v1/embeddings');
  });

  it('answers a wrong method on a known route with 405 and Allow', async () => {
    const response = await fetch(`${stack.baseUrl}/v1/chat/completions`);
    await expectEnvelope(response, 405, 'method_not_allowed');
    expect(response.headers.get('allow')).toBe('POST');
  });

  it('gives SDK users typed errors', async () => {
    const error = await client.responses.create({ model: 'gpt-9-imaginary', input: 'x' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAI.NotFoundError);
  });
});

describe('/v1 with no account configured', () => {
  let stack: Stack;

  beforeAll(async () => {
    stack = await startStack({ accounts: 0 });
  });

  afterAll(async () => {
    await stack.close();
  });

  it('answers 503 no_accounts pointing at the dashboard', async () => {
    const response = await postJson(stack, '/v1/chat/completions', {
      model: MODEL,
      messages: [{ role: 'user', content: 'hi' }],
    });
    const body = await expectEnvelope(response, 503, 'no_accounts');
    expect(body.error.type).toBe('service_unavailable');
    expect(body.error.message).toMatch(/add one in the dashboard/);
  });

  it('still lists the fallback models (PROXY_MODELS)', async () => {
    const list = (await (await fetch(`${stack.baseUrl}/v1/models`)).json()) as { data: Array<{ id: string }> };
    expect(list.data.map((m) => m.id)).toEqual(stack.config.proxyModels);
  });
});
