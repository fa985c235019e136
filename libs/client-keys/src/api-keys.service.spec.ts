import { createHash } from 'node:crypto';
import { Logger } from '@nestjs/common';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CorruptFileError } from '@mcp/storage';
import { ApiKeyNotFoundError, ApiKeyReadOnlyError } from './client-key.errors';
import { FileApiKeyRepository } from './api-key.repository';
import { ApiKeysService, LAST_USED_FLUSH_MS } from './api-keys.service';
import { AppConfig } from '@mcp/config';
import { FakeClock, disposeTestConfig, testConfig } from '@mcp/testing';
import { MemoryApiKeyRepository } from '@mcp/testing/fakes';

Logger.overrideLogger(false);

describe('ApiKeysService with the file repository', () => {
  let config: AppConfig;
  let clock: FakeClock;

  beforeEach(() => {
    config = testConfig();
    clock = new FakeClock();
  });
  afterEach(() => disposeTestConfig(config));

  async function start(): Promise<ApiKeysService> {
    const service = new ApiKeysService(config, new FileApiKeyRepository(config), clock);
    await service.onModuleInit();
    return service;
  }

  it('shows a new secret once and stores only its sha256 hash, in a 0600 file', async () => {
    const service = await start();
    const { key, secret } = await service.create({ name: 'alice laptop' });

    expect(secret).toMatch(/^mcp-[A-Za-z0-9_-]{43}$/);
    expect(key).toEqual({
      id: expect.stringMatching(/^key_/),
      name: 'alice laptop',
      enabled: true,
      prefix: secret.slice(0, 12),
      createdAt: clock.now(),
      source: 'admin',
    });
    const file = join(config.dataDir, 'api-keys.json');
    const text = readFileSync(file, 'utf8');
    expect(text).not.toContain(secret);
    expect(text).not.toContain(secret.slice(12));
    const stored = JSON.parse(text) as { version: number; keys: { hash: string }[] };
    expect(stored.version).toBe(1);
    expect(stored.keys[0]?.hash).toBe(createHash('sha256').update(secret).digest('hex'));
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(JSON.stringify(service.list())).not.toContain(stored.keys[0]?.hash);
  });

  it('accepts the exact secret only, and again after a restart', async () => {
    const first = await start();
    const { key, secret } = await first.create({ name: 'ci' });
    const tampered = secret.slice(0, -1) + (secret.endsWith('A') ? 'B' : 'A');

    expect(first.verify(secret)).toEqual({ id: key.id, name: 'ci', source: 'admin' });
    expect(first.verify(tampered)).toBeUndefined();
    expect(first.verify('')).toBeUndefined();
    expect(first.verify(key.prefix)).toBeUndefined();

    const restarted = await start();
    expect(restarted.required).toBe(true);
    expect(restarted.verify(secret)?.id).toBe(key.id);
  });

  it('refuses a disabled or deleted key but still requires keys while any exists', async () => {
    const service = await start();
    const { key, secret } = await service.create({ name: 'temp' });

    await service.update(key.id, { enabled: false });
    expect(service.verify(secret)).toBeUndefined();
    expect(service.required).toBe(true);

    await service.update(key.id, { enabled: true });
    expect(service.verify(secret)?.id).toBe(key.id);

    await service.remove(key.id);
    expect(service.verify(secret)).toBeUndefined();
    expect(service.required).toBe(false);
    expect(service.list()).toEqual([]);
  });

  it('stops boot with an error naming the file when it is damaged, and leaves it untouched', async () => {
    const file = join(config.dataDir, 'api-keys.json');
    const damaged = '{"version":1,"keys":[{"id":"key_x","name":"x","enabled":true}]}';
    writeFileSync(file, damaged);

    await expect(start()).rejects.toThrow(CorruptFileError);
    await expect(start()).rejects.toThrow(file);
    expect(readFileSync(file, 'utf8')).toBe(damaged);
  });

  it('sets and clears the model list and the rate limit', async () => {
    const service = await start();
    const { key, secret } = await service.create({
      name: 'bot',
      allowedModels: ['gpt-5-codex', 'gpt-5-codex'],
      rpmLimit: 10,
    });
    expect(key).toMatchObject({ allowedModels: ['gpt-5-codex'], rpmLimit: 10 });
    expect(service.verify(secret)).toMatchObject({ allowedModels: ['gpt-5-codex'], rpmLimit: 10 });

    const cleared = await service.update(key.id, { allowedModels: null, rpmLimit: null, name: '  renamed ' });
    expect(cleared).toEqual({
      id: key.id,
      name: 'renamed',
      enabled: true,
      prefix: key.prefix,
      createdAt: key.createdAt,
      source: 'admin',
    });
    expect(service.verify(secret)).toEqual({ id: key.id, name: 'renamed', source: 'admin' });
  });

  it('treats null limits in a new key as not set', async () => {
    const service = await start();
    const { key, secret } = await service.create({ name: 'plain', allowedModels: null, rpmLimit: null });
    expect(key).not.toHaveProperty('rpmLimit');
    expect(key).not.toHaveProperty('allowedModels');
    expect(service.verify(secret)).toEqual({ id: key.id, name: 'plain', source: 'admin' });
  });

  it('lands two concurrent edits of one key', async () => {
    const service = await start();
    const { key } = await service.create({ name: 'before' });

    await Promise.all([service.update(key.id, { name: 'after' }), service.update(key.id, { enabled: false })]);

    expect(service.list()[0]).toMatchObject({ name: 'after', enabled: false });
    expect((await start()).list()[0]).toMatchObject({ name: 'after', enabled: false });
  });

  it('answers 404 for an unknown id', async () => {
    const service = await start();
    await expect(service.update('key_missing', { enabled: false })).rejects.toThrow(ApiKeyNotFoundError);
    await expect(service.remove('../api-keys.json')).rejects.toThrow(ApiKeyNotFoundError);
  });
});

describe('ApiKeysService with PROXY_API_KEYS', () => {
  let config: AppConfig;
  afterEach(() => disposeTestConfig(config));

  it('accepts env keys, lists them without their value and refuses to edit them', async () => {
    config = testConfig({ PROXY_API_KEYS: 'team-shared-secret-1,second-env-secret' });
    const service = new ApiKeysService(config, new MemoryApiKeyRepository(), new FakeClock());
    await service.onModuleInit();

    expect(service.required).toBe(true);
    expect(service.verify('second-env-secret')).toEqual({ id: 'env-2', name: 'PROXY_API_KEYS #2', source: 'env' });
    expect(service.verify('team-shared-secret')).toBeUndefined();
    const listed = service.list();
    expect(listed.map((key) => [key.id, key.source, key.enabled])).toEqual([
      ['env-1', 'env', true],
      ['env-2', 'env', true],
    ]);
    expect(listed.every((key) => key.prefix.length <= 4)).toBe(true);
    expect(JSON.stringify(listed)).not.toContain('secret');
    await expect(service.update('env-1', { enabled: false })).rejects.toThrow(ApiKeyReadOnlyError);
    await expect(service.remove('env-2')).rejects.toThrow(/defined by PROXY_API_KEYS/);
    expect(service.verify('team-shared-secret-1')?.id).toBe('env-1');
  });

  it('leaves /v1 open when no key is configured anywhere', async () => {
    config = testConfig();
    const service = new ApiKeysService(config, new MemoryApiKeyRepository(), new FakeClock());
    await service.onModuleInit();
    expect(service.required).toBe(false);
    expect(service.verify('anything')).toBeUndefined();
  });
});

describe('ApiKeysService lastUsedAt', () => {
  let config: AppConfig;
  beforeEach(() => {
    config = testConfig();
    jest.useFakeTimers();
  });
  afterEach(() => {
    jest.useRealTimers();
    disposeTestConfig(config);
  });

  it('coalesces usage times into one write per interval instead of one per request', async () => {
    const clock = new FakeClock();
    const repository = new MemoryApiKeyRepository();
    const service = new ApiKeysService(config, repository, clock);
    await service.onModuleInit();
    const { key } = await service.create({ name: 'busy' });
    expect(repository.saves).toHaveLength(1);

    for (let i = 0; i < 50; i++) {
      clock.advance(10);
      service.recordUse(key.id);
    }
    expect(service.list()[0]?.lastUsedAt).toBe(clock.now());
    expect(repository.saves).toHaveLength(1);

    await jest.advanceTimersByTimeAsync(LAST_USED_FLUSH_MS);
    expect(repository.saves).toHaveLength(2);
    expect(repository.saves[1]?.[0]?.lastUsedAt).toBe(clock.now());

    clock.advance(5);
    service.recordUse(key.id);
    await service.onModuleDestroy();
    expect(repository.saves).toHaveLength(3);
    expect(repository.saves[2]?.[0]?.lastUsedAt).toBe(clock.now());
  });

  it('keeps env key usage in memory only', async () => {
    const repository = new MemoryApiKeyRepository();
    const clock = new FakeClock();
    const env = testConfig({ PROXY_API_KEYS: 'env-key-for-usage-test' });
    try {
      const service = new ApiKeysService(env, repository, clock);
      await service.onModuleInit();
      service.recordUse('env-1');
      await jest.advanceTimersByTimeAsync(LAST_USED_FLUSH_MS);
      expect(service.list()[0]?.lastUsedAt).toBe(clock.now());
      expect(repository.saves).toHaveLength(0);
    } finally {
      disposeTestConfig(env);
    }
  });
});
