import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { gzipSync, brotliCompressSync, deflateSync } from 'node:zlib';
import express from 'express';
import type { ProxyRequest } from '../request-context';
import { createV1BodyMiddleware } from './v1-body.middleware';

// Produced with `zstd -19`: {"model":"gpt-5.3-codex","input":"hello zstd","note":"aaa…"} (356 bytes).
const ZSTD_SMALL =
  'KLUv/WRkAOUBAJLDDBKQzwEktsoCxlIUu28GUKzN7Jj35+Ys+z08yVhBt8br5nLCxx5OOTUSZBQhobp549TuNgEAh6ICKNgJmkY=';
// Produced with `zstd -19`: {"pad":"a×2,000,000"}: 102 bytes that expand past any small limit.
const ZSTD_BOMB =
  'KLUv/aSKhB4AjAAASHsicGFkIjoiYQEA9P85OAICABBhAgAQYQIAEGECABBhAgAQYQIAEGECABBhAgAQYQIAEGECABBhAgAQYQIAEGECABBhAgAQYVUAABAifQEAhQQdAAE4CsHz';

describe('v1 body middleware', () => {
  let server: Server;
  let base: string;

  beforeAll(async () => {
    const app = express();
    app.use(createV1BodyMiddleware({ requestBodyLimitBytes: 1024 }));
    app.all('/echo', (req, res) => {
      const receivedAt = (req as ProxyRequest).receivedAt;
      res.json({
        body: req.body ?? null,
        requestId: res.getHeader('x-request-id'),
        clockStarted: (receivedAt ?? 0) > 0,
      });
    });
    server = app.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
  });

  const post = (body: string | Buffer, headers: Record<string, string> = {}) =>
    fetch(`${base}/echo`, { method: 'POST', body, headers: { 'content-type': 'application/json', ...headers } });

  async function expectError(response: Response, status: number, code: string): Promise<void> {
    expect(response.status).toBe(status);
    expect(response.headers.get('content-type')).toContain('application/json');
    expect(response.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    const json = (await response.json()) as { error: Record<string, unknown> };
    expect(json.error).toEqual(expect.objectContaining({ type: 'invalid_request_error', code, param: null }));
    expect(typeof json.error['message']).toBe('string');
  }

  it('parses a plain JSON body, gives the request an id and starts its clock', async () => {
    const response = await post(JSON.stringify({ model: 'm', input: 'hi' }));
    expect(response.status).toBe(200);
    const json = (await response.json()) as { body: unknown; requestId: string; clockStarted: boolean };
    expect(json.body).toEqual({ model: 'm', input: 'hi' });
    expect(response.headers.get('x-request-id')).toBe(json.requestId);
    expect(json.clockStarted).toBe(true);
  });

  it('leaves bodiless requests alone', async () => {
    const response = await fetch(`${base}/echo`);
    expect(await response.json()).toEqual(expect.objectContaining({ body: null }));
  });

  it('decodes a zstd body (Codex CLI)', async () => {
    const response = await post(Buffer.from(ZSTD_SMALL, 'base64'), { 'content-encoding': 'zstd' });
    expect(response.status).toBe(200);
    const json = (await response.json()) as { body: { model: string; input: string; note: string } };
    expect(json.body.input).toBe('hello zstd');
    expect(json.body.note).toHaveLength(300);
  });

  it.each([
    ['gzip', gzipSync],
    ['deflate', deflateSync],
    ['br', brotliCompressSync],
  ])('decodes a %s body', async (encoding, compress) => {
    const response = await post(compress(Buffer.from(JSON.stringify({ model: 'm', input: encoding }))), {
      'content-encoding': encoding,
    });
    expect(((await response.json()) as { body: unknown }).body).toEqual({ model: 'm', input: encoding });
  });

  it('rejects a body over the limit with 413 before reading it all', async () => {
    await expectError(await post(JSON.stringify({ pad: 'x'.repeat(2000) })), 413, 'payload_too_large');
  });

  it('enforces the limit after zstd decompression', async () => {
    await expectError(
      await post(Buffer.from(ZSTD_BOMB, 'base64'), { 'content-encoding': 'zstd' }),
      413,
      'payload_too_large',
    );
  });

  it('enforces the limit after gzip decompression', async () => {
    const bomb = gzipSync(Buffer.from(JSON.stringify({ pad: 'a'.repeat(50_000) })));
    expect(bomb.length).toBeLessThan(1024);
    await expectError(await post(bomb, { 'content-encoding': 'gzip' }), 413, 'payload_too_large');
  });

  it('rejects corrupt zstd data with 400', async () => {
    await expectError(
      await post(Buffer.from('not zstd at all'), { 'content-encoding': 'zstd' }),
      400,
      'invalid_request_error',
    );
  });

  it('rejects malformed JSON with 400', async () => {
    await expectError(await post('{"model": "m",'), 400, 'invalid_request_error');
  });

  it('rejects a JSON value that is not an object', async () => {
    await expectError(await post('[1,2]'), 400, 'invalid_request_error');
  });

  it('rejects invalid UTF-8 with 400', async () => {
    const bytes = Buffer.concat([Buffer.from('{"model":"'), Buffer.from([0xc3, 0x28]), Buffer.from('"}')]);
    const response = await post(bytes);
    await expectError(response, 400, 'invalid_request_error');
  });

  it('refuses an unknown content-encoding', async () => {
    await expectError(await post('{}', { 'content-encoding': 'compress' }), 415, 'unsupported_content_encoding');
  });
});
