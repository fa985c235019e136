import { ExecutionContext, Logger } from '@nestjs/common';
import { ApiKeysService } from './api-keys.service';
import { AppConfig } from '@mcp/config';
import { ErrorRegistry, ErrorTable, type HttpProblem } from '@mcp/errors';
import { FakeClock, disposeTestConfig, testConfig } from '@mcp/testing';
import { MemoryApiKeyRepository } from '@mcp/testing/fakes';
import { ClientKeyGuard, ClientKeyRequest } from './client-key.guard';
import { CLIENT_KEY_ERRORS } from './client-key.errors';
import { MemoryRpmLimiter } from './rpm-limiter';

Logger.overrideLogger(false);

interface FakeExchange {
  request: ClientKeyRequest;
  context: ExecutionContext;
}

function exchange(requestHeaders: Record<string, string>, body?: unknown): FakeExchange {
  const request = { headers: requestHeaders, body } as unknown as ClientKeyRequest;
  const http = { getRequest: () => request };
  return { request, context: { switchToHttp: () => http } as unknown as ExecutionContext };
}

const errors = new ErrorRegistry([new ErrorTable('client keys', CLIENT_KEY_ERRORS)]);

/** What the global filter would answer: status, envelope fields and headers. */
async function rejection(guard: ClientKeyGuard, ex: FakeExchange): Promise<HttpProblem> {
  try {
    await guard.canActivate(ex.context);
  } catch (error) {
    const problem = errors.problemOf(error);
    if (problem.origin === 'domain') return problem;
    throw error;
  }
  throw new Error('the guard let the request through');
}

describe('ClientKeyGuard', () => {
  let config: AppConfig;
  let clock: FakeClock;
  let keys: ApiKeysService;
  let guard: ClientKeyGuard;

  async function build(env: Record<string, string> = {}): Promise<void> {
    config = testConfig(env);
    clock = new FakeClock();
    keys = new ApiKeysService(config, new MemoryApiKeyRepository(), clock);
    await keys.onModuleInit();
    guard = new ClientKeyGuard(keys, new MemoryRpmLimiter(clock));
  }

  afterEach(async () => {
    await keys.onModuleDestroy();
    disposeTestConfig(config);
  });

  it('lets every request through while no key exists', async () => {
    await build();
    const ex = exchange({});
    expect(await guard.canActivate(ex.context)).toBe(true);
    expect(ex.request.clientKeyId).toBeUndefined();
  });

  it('answers a missing key with 401 invalid_api_key and www-authenticate', async () => {
    await build({ PROXY_API_KEYS: 'env-secret-for-guard' });
    const problem = await rejection(guard, exchange({}));
    expect(problem).toEqual({
      origin: 'domain',
      status: 401,
      message: expect.stringContaining('Missing API key'),
      type: 'invalid_request_error',
      code: 'invalid_api_key',
      headers: { 'www-authenticate': 'Bearer' },
    });
  });

  it('refuses a wrong key without echoing it', async () => {
    await build({ PROXY_API_KEYS: 'env-secret-for-guard' });
    const problem = await rejection(guard, exchange({ authorization: 'Bearer guessed-key-123' }));
    expect(problem.status).toBe(401);
    expect(JSON.stringify(problem)).toContain('Incorrect API key');
    expect(JSON.stringify(problem)).not.toContain('guessed-key-123');
  });

  it('accepts a key as a Bearer token or in x-api-key and tags the request with its id', async () => {
    await build({ PROXY_API_KEYS: 'env-secret-for-guard' });
    const { key, secret } = await keys.create({ name: 'sdk' });

    const bearer = exchange({ authorization: `Bearer ${secret}` });
    expect(await guard.canActivate(bearer.context)).toBe(true);
    expect(bearer.request.clientKeyId).toBe(key.id);

    const apiKey = exchange({ 'x-api-key': 'env-secret-for-guard' });
    expect(await guard.canActivate(apiKey.context)).toBe(true);
    expect(apiKey.request.clientKeyId).toBe('env-1');
    expect(keys.list().find((view) => view.id === key.id)?.lastUsedAt).toBe(clock.now());
  });

  it('refuses a disabled key', async () => {
    await build();
    const { key, secret } = await keys.create({ name: 'revoked' });
    await keys.update(key.id, { enabled: false });
    expect((await rejection(guard, exchange({ authorization: `Bearer ${secret}` }))).status).toBe(401);
  });

  it('keeps a key to its allowed models', async () => {
    await build();
    const { secret } = await keys.create({ name: 'narrow', allowedModels: ['gpt-5-codex'] });
    const headers = { authorization: `Bearer ${secret}` };

    expect(await guard.canActivate(exchange(headers, { model: 'gpt-5-codex' }).context)).toBe(true);
    expect(await guard.canActivate(exchange(headers).context)).toBe(true);
    const problem = await rejection(guard, exchange(headers, { model: 'gpt-5.3-codex' }));
    expect(problem).toEqual({
      origin: 'domain',
      status: 403,
      message: expect.stringContaining("'gpt-5.3-codex'"),
      type: 'invalid_request_error',
      code: 'model_not_allowed',
      param: 'model',
    });
  });

  it('limits a key to its requests per minute over a sliding window', async () => {
    await build();
    const { secret } = await keys.create({ name: 'slow', rpmLimit: 2 });
    const headers = { authorization: `Bearer ${secret}` };

    expect(await guard.canActivate(exchange(headers).context)).toBe(true);
    clock.advance(20_000);
    expect(await guard.canActivate(exchange(headers).context)).toBe(true);
    clock.advance(10_000);
    const limited = await rejection(guard, exchange(headers));
    expect(limited).toMatchObject({ status: 429, type: 'requests', code: 'rate_limit_exceeded' });
    expect(limited.headers).toEqual({ 'retry-after': '30' });

    clock.advance(30_000);
    expect(await guard.canActivate(exchange(headers).context)).toBe(true);
  });
});
