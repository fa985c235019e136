import { Body, Controller, INestApplication, Logger, Post, Req, UseGuards, ValidationPipe } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import type { AddressInfo } from 'node:net';
import { AppConfig, ConfigModule } from '@mcp/config';
import { ErrorsModule, globalErrorProviders } from '@mcp/errors';
import { OpenAiErrorSurface } from '@mcp/proxy';
import { TEST_ADMIN_TOKEN, disposeTestConfig, testConfig } from '@mcp/testing';
import { ClientKeyGuard, ClientKeyRequest } from './client-key.guard';
import { ClientKeysModule, isLoopbackHost } from './client-keys.module';

/** Stands in for the /v1 controllers, which live elsewhere in libs/proxy. */
@Controller('v1')
@UseGuards(ClientKeyGuard)
class EchoController {
  @Post('echo')
  echo(@Req() request: ClientKeyRequest, @Body() body: unknown): { clientKeyId: string | null; body: unknown } {
    return { clientKeyId: request.clientKeyId ?? null, body };
  }
}

interface Running {
  app: INestApplication;
  config: AppConfig;
  url: string;
}

async function start(env: Record<string, string> = {}): Promise<Running> {
  const config = testConfig(env);
  const moduleRef = await Test.createTestingModule({
    imports: [ConfigModule.forRoot(config), ErrorsModule, ClientKeysModule],
    controllers: [EchoController],
    providers: [...globalErrorProviders, OpenAiErrorSurface],
  }).compile();
  const app = moduleRef.createNestApplication({ logger: false });
  app.useGlobalPipes(new ValidationPipe({ whitelist: true, forbidNonWhitelisted: true, transform: true }));
  await app.listen(0, '127.0.0.1');
  const { port } = app.getHttpServer().address() as AddressInfo;
  return { app, config, url: `http://127.0.0.1:${port}` };
}

async function stop(running: Running): Promise<void> {
  await running.app.close();
  disposeTestConfig(running.config);
}

const admin = { 'x-admin-token': TEST_ADMIN_TOKEN, 'content-type': 'application/json' };

async function call(
  url: string,
  method: string,
  headers: Record<string, string>,
  body?: unknown,
): Promise<{ status: number; json: unknown; headers: Headers }> {
  const response = await fetch(url, { method, headers, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
  const text = await response.text();
  return { status: response.status, json: text ? (JSON.parse(text) as unknown) : undefined, headers: response.headers };
}

describe('ClientKeysModule over HTTP', () => {
  let running: Running;
  beforeAll(async () => {
    running = await start({ PROXY_API_KEYS: 'env-key-module-spec-0001' });
  });
  afterAll(() => stop(running));

  it('refuses every admin route without the admin token', async () => {
    for (const [method, path] of [
      ['GET', '/admin/api-keys'],
      ['POST', '/admin/api-keys'],
      ['PATCH', '/admin/api-keys/env-1'],
      ['DELETE', '/admin/api-keys/env-1'],
    ] as const) {
      const { status } = await call(
        `${running.url}${path}`,
        method,
        { 'content-type': 'application/json' },
        method === 'POST' ? { name: 'x' } : undefined,
      );
      expect(status).toBe(401);
    }
  });

  it('creates, lists, disables and deletes a key, and the key works on /v1 only while enabled', async () => {
    const created = await call(`${running.url}/admin/api-keys`, 'POST', admin, { name: 'laptop', rpmLimit: 100 });
    expect(created.status).toBe(201);
    const { key, secret } = created.json as { key: { id: string; prefix: string }; secret: string };
    expect(secret.startsWith(key.prefix)).toBe(true);

    const listed = await call(`${running.url}/admin/api-keys`, 'GET', admin);
    expect(JSON.stringify(listed.json)).not.toContain(secret);
    expect((listed.json as { keys: { id: string; source: string }[] }).keys.map((k) => [k.id, k.source])).toEqual([
      ['env-1', 'env'],
      [key.id, 'admin'],
    ]);

    const used = await call(
      `${running.url}/v1/echo`,
      'POST',
      { authorization: `Bearer ${secret}`, 'content-type': 'application/json' },
      { model: 'm' },
    );
    expect(used.json).toEqual({ clientKeyId: key.id, body: { model: 'm' } });

    expect((await call(`${running.url}/admin/api-keys/${key.id}`, 'PATCH', admin, { enabled: false })).status).toBe(
      200,
    );
    const refused = await call(`${running.url}/v1/echo`, 'POST', { authorization: `Bearer ${secret}` });
    expect(refused.status).toBe(401);
    expect(refused.headers.get('www-authenticate')).toBe('Bearer');
    expect(refused.json).toMatchObject({
      error: { code: 'invalid_api_key', type: 'invalid_request_error', param: null },
    });

    expect((await call(`${running.url}/admin/api-keys/${key.id}`, 'DELETE', admin)).json).toEqual({ ok: true });
    expect((await call(`${running.url}/admin/api-keys/${key.id}`, 'DELETE', admin)).status).toBe(404);
  });

  it('answers bad bodies with 400 field errors and unknown or traversal ids with 404', async () => {
    const unknownField = await call(`${running.url}/admin/api-keys`, 'POST', admin, { name: 'x', hash: 'abc' });
    expect(unknownField.status).toBe(400);
    expect(JSON.stringify(unknownField.json)).toContain('property hash should not exist');
    expect((await call(`${running.url}/admin/api-keys`, 'POST', admin, { name: 42 })).status).toBe(400);
    expect((await call(`${running.url}/admin/api-keys/key_nope`, 'PATCH', admin, { name: 'y' })).status).toBe(404);
    expect((await call(`${running.url}/admin/api-keys/..%2F..%2Fadmin-token`, 'DELETE', admin)).status).toBe(404);
  });

  it('keeps PROXY_API_KEYS entries read-only', async () => {
    const patched = await call(`${running.url}/admin/api-keys/env-1`, 'PATCH', admin, { enabled: false });
    expect(patched.status).toBe(400);
    expect(JSON.stringify(patched.json)).toContain('defined by PROXY_API_KEYS');
    expect((await call(`${running.url}/v1/echo`, 'POST', { 'x-api-key': 'env-key-module-spec-0001' })).status).toBe(
      201,
    );
  });
});

describe('the open-/v1 warning at boot', () => {
  let warn: jest.SpyInstance;
  beforeEach(() => {
    warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
  });
  afterEach(() => warn.mockRestore());

  function openWarnings(): unknown[] {
    return warn.mock.calls.map((args) => args[0]).filter((message) => String(message).includes('/v1 is OPEN'));
  }

  it('warns when no key exists and the server listens beyond loopback', async () => {
    const running = await start({ HOST: '0.0.0.0' });
    await stop(running);
    expect(openWarnings()).toHaveLength(1);
  });

  it('stays quiet on loopback or once a key exists', async () => {
    await stop(await start({ HOST: '127.0.0.1' }));
    await stop(await start({ HOST: '0.0.0.0', PROXY_API_KEYS: 'env-key-module-spec-0002' }));
    expect(openWarnings()).toHaveLength(0);
  });

  it('recognises loopback spellings', () => {
    expect(['127.0.0.1', '::1', '[::1]', 'localhost', 'LOCALHOST', '127.1.2.3'].every(isLoopbackHost)).toBe(true);
    expect(['0.0.0.0', '::', '192.168.1.10', 'example.com', '127.0.0.1.nip.io'].some(isLoopbackHost)).toBe(false);
  });
});
