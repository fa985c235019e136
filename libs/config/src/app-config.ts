import { accessSync, constants, mkdirSync } from 'node:fs';
import { resolve, join } from 'node:path';
import { parseModelMap } from './anthropic-model-map';
import { parsePricingOverrides, type PricingTable } from '@mcp/codex';
import { Env, EnvReader } from './env-parsers';

export const DEFAULT_MODELS = ['gpt-5.3-codex', 'gpt-5.2-codex', 'gpt-5-codex'];
export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n  - ${problems.join('\n  - ')}`);
    this.name = 'ConfigError';
  }
}

/**
 * The one typed configuration object, built once at boot (PROTOCOL.md §1.2).
 * Injected by class: `constructor(private readonly config: AppConfig)`.
 */
export class AppConfig {
  readonly version!: string;
  readonly port!: number;
  readonly host!: string;
  readonly dataDir!: string;
  readonly storePath!: string;
  readonly oauthStatePath!: string;
  readonly traceFilePath!: string;
  readonly traceStatsHistoryPath!: string;
  readonly traceIncludeBody!: boolean;
  readonly traceRetentionMax!: number;
  readonly proxyModels!: string[];
  readonly modelsClientVersion!: string;
  readonly modelsCacheMs!: number;
  readonly adminToken!: string | undefined;
  readonly chatgptBaseUrl!: string;
  readonly upstreamPath!: string;
  readonly upstreamCompactPath!: string;
  readonly oauthClientId!: string;
  readonly oauthAuthorizationUrl!: string;
  readonly oauthTokenUrl!: string;
  readonly oauthScope!: string;
  readonly oauthRedirectUri!: string;
  readonly oauthDeviceAuthorizationUrl!: string;
  readonly oauthDeviceTokenUrl!: string;
  readonly oauthDeviceVerificationUrl!: string;
  readonly oauthDeviceRedirectUri!: string;
  readonly oauthFlowTtlMs!: number;
  readonly proxyApiKeys!: string[];
  readonly requestBodyLimitBytes!: number;
  readonly usageRefreshIntervalMs!: number;
  readonly usageTimeoutMs!: number;
  readonly tokenRefreshMarginMs!: number;
  readonly blockFallbackMs!: number;
  readonly rateLimitCooldownMs!: number;
  readonly transientCooldownMs!: number;
  readonly upstreamTransientRetries!: number;
  readonly modelIneligibleMs!: number;
  readonly sessionAffinityTtlMs!: number;
  readonly hangRetryMaxDurationMs!: number;
  readonly upstreamHeadersTimeoutMs!: number;
  readonly upstreamIdleTimeoutMs!: number;
  readonly shutdownGraceMs!: number;
  /** Responses over WebSocket (PROTOCOL.md §13.1); off, every upgrade gets 426 and Codex uses HTTP. */
  readonly websocketsEnabled!: boolean;
  readonly logLevel!: (typeof LOG_LEVELS)[number];
  readonly encryptionKey!: string | undefined;
  readonly metricsToken!: string | undefined;
  /** PRICING_JSON over the built-in rates, parsed here once (PROTOCOL.md §10.6). */
  readonly pricing!: PricingTable;
  readonly storage!: 'file' | 'postgres';
  readonly databaseUrl!: string | undefined;
  readonly serveDashboard!: boolean;
  readonly dashboardDir!: string | undefined;
  /** How many reverse proxies in front of us append to X-Forwarded-For; 0 (default) ignores that header. */
  readonly trustProxyHops!: number;
  /** ANTHROPIC_MODEL_MAP over its defaults (PROTOCOL.md §14); the dashboard may override it at run time. */
  readonly anthropicModelMap!: Readonly<Record<string, string>>;

  constructor(values: Omit<AppConfig, never>) {
    Object.assign(this, values);
  }
}

const PRODUCT_VERSION = '0.1.0';

/** Builds the configuration from an environment, or throws one ConfigError listing every bad variable. */
export function loadConfig(env: Env = process.env): AppConfig {
  const r = new EnvReader(env);
  const dataDir = resolve(r.string('DATA_DIR', './data'));
  const file = (name: string, seedFile: string) => resolve(r.string(name, join(dataDir, seedFile)));
  const authBase = 'https://auth.openai.com';
  const storage = r.oneOf('STORAGE', ['file', 'postgres'] as const, 'file');
  const databaseUrl = r.optional('DATABASE_URL');
  if (storage === 'postgres' && !databaseUrl) r.errors.push('DATABASE_URL is required when STORAGE=postgres');
  let pricing: PricingTable = {};
  try {
    pricing = parsePricingOverrides(r.optional('PRICING_JSON'));
  } catch (error) {
    r.errors.push(`PRICING_JSON is invalid: ${(error as Error).message}`);
  }
  const encryptionKey = r.optional('ENCRYPTION_KEY');
  if (encryptionKey !== undefined && encryptionKey.length < 32) {
    r.errors.push('ENCRYPTION_KEY must be at least 32 characters (e.g. `openssl rand -base64 32`)');
  }

  const anthropicModelMap = parseModelMap(r.optional('ANTHROPIC_MODEL_MAP'));
  r.errors.push(...anthropicModelMap.errors);

  const config = new AppConfig({
    version: PRODUCT_VERSION,
    port: r.int('PORT', 4010, 0, 65535),
    host: r.host('HOST', '0.0.0.0'),
    dataDir,
    storePath: file('STORE_PATH', 'accounts.json'),
    oauthStatePath: file('OAUTH_STATE_PATH', 'oauth-state.json'),
    traceFilePath: file('TRACE_FILE_PATH', 'requests-trace.jsonl'),
    traceStatsHistoryPath: file('TRACE_STATS_HISTORY_PATH', 'requests-stats-history.jsonl'),
    traceIncludeBody: r.bool('TRACE_INCLUDE_BODY', true),
    traceRetentionMax: r.int('TRACE_RETENTION_MAX', 1000, 1, 1_000_000),
    proxyModels: r.list('PROXY_MODELS', DEFAULT_MODELS),
    modelsClientVersion: r.string('MODELS_CLIENT_VERSION', '1.0.0'),
    modelsCacheMs: r.int('MODELS_CACHE_MS', 600_000, 1000),
    adminToken: r.optional('ADMIN_TOKEN'),
    chatgptBaseUrl: r.url('CHATGPT_BASE_URL', 'https://chatgpt.com'),
    upstreamPath: r.path('UPSTREAM_PATH', '/backend-api/codex/responses'),
    upstreamCompactPath: r.path('UPSTREAM_COMPACT_PATH', '/backend-api/codex/responses/compact'),
    oauthClientId: r.string('OAUTH_CLIENT_ID', 'app_EMoamEEZ73f0CkXaXp7hrann'),
    oauthAuthorizationUrl: r.url('OAUTH_AUTHORIZATION_URL', `${authBase}/oauth/authorize`),
    oauthTokenUrl: r.url('OAUTH_TOKEN_URL', `${authBase}/oauth/token`),
    oauthScope: r.string('OAUTH_SCOPE', 'openid profile email offline_access'),
    oauthRedirectUri: r.url('OAUTH_REDIRECT_URI', 'http://localhost:1455/auth/callback'),
    oauthDeviceAuthorizationUrl: r.url(
      'OAUTH_DEVICE_AUTHORIZATION_URL',
      `${authBase}/api/accounts/deviceauth/usercode`,
    ),
    oauthDeviceTokenUrl: r.url('OAUTH_DEVICE_TOKEN_URL', `${authBase}/api/accounts/deviceauth/token`),
    oauthDeviceVerificationUrl: r.url('OAUTH_DEVICE_VERIFICATION_URL', `${authBase}/codex/device`),
    oauthDeviceRedirectUri: r.url('OAUTH_DEVICE_REDIRECT_URI', `${authBase}/deviceauth/callback`),
    oauthFlowTtlMs: r.int('OAUTH_FLOW_TTL_MS', 900_000, 1000),
    proxyApiKeys: r.list('PROXY_API_KEYS', []),
    requestBodyLimitBytes: r.bytes('REQUEST_BODY_LIMIT', '50mb'),
    usageRefreshIntervalMs: r.int('USAGE_REFRESH_INTERVAL_MS', 300_000, 1000),
    usageTimeoutMs: r.int('USAGE_TIMEOUT_MS', 10_000, 100),
    tokenRefreshMarginMs: r.int('TOKEN_REFRESH_MARGIN_MS', 300_000, 0),
    blockFallbackMs: r.int('BLOCK_FALLBACK_MS', 1_800_000, 0),
    rateLimitCooldownMs: r.int('RATE_LIMIT_COOLDOWN_MS', 60_000, 0),
    transientCooldownMs: r.int('TRANSIENT_COOLDOWN_MS', 15_000, 0),
    upstreamTransientRetries: r.int('UPSTREAM_TRANSIENT_RETRIES', 2, 0, 10),
    modelIneligibleMs: r.int('MODEL_INELIGIBLE_MS', 3_600_000, 0),
    sessionAffinityTtlMs: r.int('SESSION_AFFINITY_TTL_MS', 3_600_000, 0),
    hangRetryMaxDurationMs: r.int('HANG_RETRY_MAX_DURATION_MS', 0, 0),
    upstreamHeadersTimeoutMs: r.int('UPSTREAM_HEADERS_TIMEOUT_MS', 60_000, 100),
    upstreamIdleTimeoutMs: r.int('UPSTREAM_IDLE_TIMEOUT_MS', 300_000, 100),
    shutdownGraceMs: r.int('SHUTDOWN_GRACE_MS', 10_000, 0),
    websocketsEnabled: r.bool('WEBSOCKETS_ENABLED', true),
    logLevel: r.oneOf('LOG_LEVEL', LOG_LEVELS, 'info'),
    encryptionKey,
    metricsToken: r.optional('METRICS_TOKEN'),
    pricing,
    storage,
    databaseUrl,
    serveDashboard: r.bool('SERVE_DASHBOARD', true),
    dashboardDir: r.optional('DASHBOARD_DIR'),
    trustProxyHops: r.int('TRUST_PROXY_HOPS', 0, 0, 10),
    anthropicModelMap: anthropicModelMap.map,
  });

  try {
    mkdirSync(dataDir, { recursive: true, mode: 0o700 });
    accessSync(dataDir, constants.R_OK | constants.W_OK);
  } catch (error) {
    r.errors.push(`DATA_DIR "${dataDir}" is not a readable, writable directory (${(error as Error).message})`);
  }
  if (r.errors.length > 0) throw new ConfigError(r.errors);
  return config;
}
