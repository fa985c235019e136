import { rmSync } from 'node:fs';
import { AppConfig, loadConfig } from '@mcp/config';
import { tempDir } from './temp-dir';

/** Exactly 32 characters, the length a real admin token is expected to have. */
export const TEST_ADMIN_TOKEN = 'test-admin-token-0123456789abcde';

// Upstream endpoints the server itself calls point at a closed loopback port, so a spec that
// forgot to aim them at fake-chatgpt fails fast instead of trying the real internet.
const UNREACHABLE = 'http://127.0.0.1:9';

const SAFE_DEFAULTS: Record<string, string> = {
  ADMIN_TOKEN: TEST_ADMIN_TOKEN,
  LOG_LEVEL: 'silent',
  HOST: '127.0.0.1',
  PORT: '0',
  SERVE_DASHBOARD: 'false',
  CHATGPT_BASE_URL: UNREACHABLE,
  OAUTH_TOKEN_URL: `${UNREACHABLE}/oauth/token`,
  OAUTH_DEVICE_AUTHORIZATION_URL: `${UNREACHABLE}/api/accounts/deviceauth/usercode`,
  OAUTH_DEVICE_TOKEN_URL: `${UNREACHABLE}/api/accounts/deviceauth/token`,
};

const createdDataDirs = new Set<string>();

/**
 * An AppConfig from `loadConfig` with test-safe defaults and a fresh temp DATA_DIR; it never reads
 * process.env. An override of `undefined` removes that default (e.g. `{ ADMIN_TOKEN: undefined }`).
 * Call disposeTestConfig(config) when done unless you passed your own DATA_DIR.
 */
export function testConfig(overrides: Partial<Record<string, string>> = {}): AppConfig {
  const env: Record<string, string | undefined> = { ...SAFE_DEFAULTS, ...overrides };
  let created: string | undefined;
  if (!('DATA_DIR' in overrides)) {
    created = tempDir('mcp-config-').path;
    env['DATA_DIR'] = created;
  }
  try {
    const config = loadConfig(env);
    if (created) createdDataDirs.add(config.dataDir);
    return config;
  } catch (error) {
    if (created) rmSync(created, { recursive: true, force: true });
    throw error;
  }
}

/** Deletes the temp DATA_DIR that testConfig() made for `config` (never a directory you passed in). */
export function disposeTestConfig(config: AppConfig): void {
  if (!createdDataDirs.delete(config.dataDir)) return;
  rmSync(config.dataDir, { recursive: true, force: true });
}
