import { existsSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError } from '@mcp/config';
import {
  FAKE_CLOCK_START,
  FakeClock,
  TEST_ADMIN_TOKEN,
  disposeTestConfig,
  makeJwt,
  tempDir,
  testConfig,
} from './index';

describe('FakeClock', () => {
  it('starts at a fixed instant and moves only when told', () => {
    const clock = new FakeClock();
    expect(new Date(clock.now()).toISOString()).toBe('2025-01-15T12:00:00.000Z');
    clock.advance(1500);
    expect(clock.now()).toBe(FAKE_CLOCK_START + 1500);
    clock.set(42);
    expect(clock.now()).toBe(42);
  });
});

describe('tempDir', () => {
  it('creates a fresh directory that cleanup removes with its contents', () => {
    const dir = tempDir('mcp-testing-spec-');
    expect(statSync(dir.path).isDirectory()).toBe(true);
    writeFileSync(join(dir.path, 'file.txt'), 'x');
    dir.cleanup();
    expect(existsSync(dir.path)).toBe(false);
    expect(() => dir.cleanup()).not.toThrow();
  });
});

describe('testConfig', () => {
  it('builds a config with test-safe defaults in a temp DATA_DIR, without reading process.env', () => {
    const config = testConfig();
    try {
      expect(config.adminToken).toBe(TEST_ADMIN_TOKEN);
      expect(TEST_ADMIN_TOKEN).toHaveLength(32);
      expect(config.logLevel).toBe('silent');
      expect(config.port).toBe(0);
      expect(config.storePath).toBe(join(config.dataDir, 'accounts.json'));
      expect(statSync(config.dataDir).isDirectory()).toBe(true);
      expect(new URL(config.chatgptBaseUrl).hostname).toBe('127.0.0.1');
    } finally {
      disposeTestConfig(config);
    }
    expect(existsSync(config.dataDir)).toBe(false);
  });

  it('applies overrides, and an undefined override removes a default', () => {
    const config = testConfig({ PORT: '4999', ADMIN_TOKEN: undefined });
    try {
      expect(config.port).toBe(4999);
      expect(config.adminToken).toBeUndefined();
    } finally {
      disposeTestConfig(config);
    }
  });

  it('never deletes a DATA_DIR the spec passed in', () => {
    const dir = tempDir();
    try {
      const config = testConfig({ DATA_DIR: dir.path });
      disposeTestConfig(config);
      expect(existsSync(dir.path)).toBe(true);
    } finally {
      dir.cleanup();
    }
  });

  it('reports bad overrides with the ConfigError of loadConfig', () => {
    expect(() => testConfig({ PORT: 'abc' })).toThrow(ConfigError);
  });
});

describe('makeJwt', () => {
  it('produces an unsigned three-part token whose payload decodes back to the claims', () => {
    const claims = { email: 'dev@example.com', 'https://api.openai.com/auth': { chatgpt_account_id: 'acc-1' } };
    const parts = makeJwt(claims).split('.');
    expect(parts).toHaveLength(3);
    expect(JSON.parse(Buffer.from(parts[0] ?? '', 'base64url').toString())).toEqual({ alg: 'none', typ: 'JWT' });
    expect(JSON.parse(Buffer.from(parts[1] ?? '', 'base64url').toString())).toEqual(claims);
    expect(parts[2]).toBe('');
  });
});
