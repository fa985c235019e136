import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, DEFAULT_MODELS, loadConfig } from './app-config';

describe('loadConfig', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'mcp-config-spec-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('applies the seed defaults, with every data file inside DATA_DIR', () => {
    const config = loadConfig({ DATA_DIR: dir });
    expect(config).toMatchObject({
      port: 4010,
      host: '0.0.0.0',
      dataDir: dir,
      storePath: join(dir, 'accounts.json'),
      oauthStatePath: join(dir, 'oauth-state.json'),
      traceFilePath: join(dir, 'requests-trace.jsonl'),
      traceStatsHistoryPath: join(dir, 'requests-stats-history.jsonl'),
      traceIncludeBody: true,
      traceRetentionMax: 1000,
      proxyModels: DEFAULT_MODELS,
      modelsClientVersion: '1.0.0',
      modelsCacheMs: 600_000,
      adminToken: undefined,
      chatgptBaseUrl: 'https://chatgpt.com',
      upstreamPath: '/backend-api/codex/responses',
      oauthClientId: 'app_EMoamEEZ73f0CkXaXp7hrann',
      oauthAuthorizationUrl: 'https://auth.openai.com/oauth/authorize',
      oauthTokenUrl: 'https://auth.openai.com/oauth/token',
      oauthScope: 'openid profile email offline_access',
      oauthRedirectUri: 'http://localhost:1455/auth/callback',
      requestBodyLimitBytes: 50 * 1024 * 1024,
      sessionAffinityTtlMs: 3_600_000,
      storage: 'file',
    });
  });

  it('reads the seed variables by their names', () => {
    const config = loadConfig({
      DATA_DIR: dir,
      PORT: '8080',
      STORE_PATH: join(dir, 'x', 'acc.json'),
      TRACE_INCLUDE_BODY: 'false',
      PROXY_MODELS: ' a , b ,,c',
      ADMIN_TOKEN: 'a-long-enough-admin-token',
      CHATGPT_BASE_URL: 'http://127.0.0.1:9999/',
      REQUEST_BODY_LIMIT: '512kb',
    });
    expect(config.port).toBe(8080);
    expect(config.storePath).toBe(join(dir, 'x', 'acc.json'));
    expect(config.traceIncludeBody).toBe(false);
    expect(config.proxyModels).toEqual(['a', 'b', 'c']);
    expect(config.adminToken).toBe('a-long-enough-admin-token');
    expect(config.chatgptBaseUrl).toBe('http://127.0.0.1:9999');
    expect(config.requestBodyLimitBytes).toBe(512 * 1024);
  });

  it('names every bad variable in one error', () => {
    let error: unknown;
    try {
      loadConfig({
        DATA_DIR: dir,
        PORT: 'abc',
        USAGE_REFRESH_INTERVAL_MS: '-5',
        TRACE_INCLUDE_BODY: 'maybe',
        CHATGPT_BASE_URL: 'ftp://x',
        UPSTREAM_PATH: 'no-slash',
        STORAGE: 'postgres',
        ENCRYPTION_KEY: 'short',
      });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as ConfigError).message;
    for (const name of [
      'PORT',
      'USAGE_REFRESH_INTERVAL_MS',
      'TRACE_INCLUDE_BODY',
      'CHATGPT_BASE_URL',
      'UPSTREAM_PATH',
      'DATABASE_URL',
      'ENCRYPTION_KEY',
    ]) {
      expect(message).toContain(name);
    }
    expect((error as ConfigError).problems).toHaveLength(7);
  });

  it('refuses a DATA_DIR that is not a writable directory', () => {
    const file = join(dir, 'a-file');
    writeFileSync(file, 'x');
    expect(() => loadConfig({ DATA_DIR: file })).toThrow(/DATA_DIR/);
  });
});
