/** Public types of the emulator: accounts, faults, options and counters. */

export type WindowName = 'fiveHour' | 'weekly';

export interface WindowConfig {
  /** Share of the window each inference request consumes, in percent (default `options.defaultPercentPerRequest`). */
  limitPercentPerRequest?: number;
  /** Starting used percent (default 0). */
  usedPercent?: number;
}

export interface AddAccountOptions {
  email: string;
  /** `chatgpt_plan_type` (default `plus`). */
  plan?: string;
  /** Shared by the members of one Team workspace; random when omitted. */
  chatgptAccountId?: string;
  chatgptUserId?: string;
  /**
   * Quota windows. Omitted: both windows. Given: only the windows named (a key set to null or
   * left out is absent), e.g. `{ weekly: {} }` for a weekly-only plan.
   */
  windows?: { fiveHour?: WindowConfig | null; weekly?: WindowConfig | null };
  /** Models this plan may use (default: the whole catalogue). */
  models?: string[];
  /** Access token lifetime in seconds (default `options.accessTokenTtlSec`). */
  accessTokenTtlSec?: number;
}

export interface QuotaWindow {
  usedPercent: number;
  limitPercentPerRequest: number;
  windowSeconds: number;
  /** Epoch ms. */
  resetAt: number;
}

export interface AccountRecord {
  /** Emulator id (`fa_<n>`): the key of every per-account API and counter. */
  id: string;
  email: string;
  plan: string;
  chatgptAccountId: string;
  chatgptUserId: string;
  models: string[];
  accessTokenTtlSec: number;
  windows: { fiveHour?: QuotaWindow; weekly?: QuotaWindow };
}

export interface IssuedTokens {
  accessToken: string;
  refreshToken: string;
  idToken: string;
  /** Seconds. */
  expiresIn: number;
}

/** Routes a fault can target (default `responses`). */
export type FaultRoute = 'responses' | 'compact' | 'usage' | 'models';

export type Fault =
  | { kind: 'quota'; window?: WindowName }
  | { kind: 'http'; status: number; body?: unknown }
  | { kind: 'stream_failed'; code?: string; message?: string; afterDeltas?: number }
  | { kind: 'drop'; afterDeltas: number }
  | { kind: 'delay'; ms: number }
  | { kind: 'revoke' }
  | { kind: 'model_not_supported' }
  | { kind: 'rate_limit'; retryAfterSec?: number }
  | { kind: 'empty' }
  | { kind: 'truncate' }
  /** A compaction v2 stream completes without its compaction item (§13.3). */
  | { kind: 'compaction_missing' };

export interface EmulatorOptions {
  /** OAuth client id accepted by authorize, token and device endpoints. */
  clientId: string;
  /** redirect_uri values accepted at /oauth/authorize. */
  redirectUris: string[];
  /** redirect_uri bound to device-flow authorization codes. */
  deviceRedirectUri: string;
  /** Create an account for an unknown login email (default true). */
  autoCreateAccounts: boolean;
  /** The next authorize request is denied (302 error=access_denied); reset after use. */
  denyNextLogin: boolean;
  /** `response.completed.response.output` is `[]`, as the real backend sometimes sends. */
  emptyCompletedOutput: boolean;
  /** Emit a `codex.rate_limits` event every Nth stream (0 = never). */
  rateLimitsEventEvery: number;
  /** Pause between streamed deltas (0 = write the whole stream at once). */
  deltaIntervalMs: number;
  /** Default access token lifetime, seconds. */
  accessTokenTtlSec: number;
  /** Models that reject requests without the Codex CLI identity headers. */
  identityRequiredModels: string[];
  /** `codes` (401 `{error:{code:"refresh_token_reused"}}`) or `invalid_grant` (400). */
  refreshErrorStyle: 'codes' | 'invalid_grant';
  /** Share of each window a request consumes when the account's window config does not say (default 1). */
  defaultPercentPerRequest: number;
  /** Device-flow poll interval announced to clients, seconds. */
  deviceIntervalSec: number;
  /** Device code lifetime, seconds. */
  deviceExpiresInSec: number;
}

export interface StartOptions extends Partial<EmulatorOptions> {
  port?: number;
  host?: string;
  /** Epoch-ms clock; `advance(ms)` adds an offset to it. Default `Date.now`. */
  clock?: () => number;
}

export type RouteName = 'responses' | 'compact' | 'usage' | 'models' | 'token' | 'authorize';

export interface LastRequest {
  route: RouteName;
  headers: Record<string, string | string[] | undefined>;
  body: unknown;
  /** The body's text as it arrived (inference routes), for tests about its spelling; decoded when read. */
  readonly text?: string;
}

export interface CountersSnapshot {
  /** accountId → route → requests that authenticated as that account. */
  requests: Record<string, Partial<Record<RouteName, number>>>;
  /** accountId → successful refresh-token grants. */
  refreshCalls: Record<string, number>;
  /** accountId → refresh attempts with a used/revoked refresh token (double refresh). */
  rejectedRefreshes: Record<string, number>;
  /** accountId → inference requests the client closed before the stream ended. */
  abortedRequests: Record<string, number>;
  /** prompt_cache_key → accounts that received it. */
  promptCacheKeys: Map<string, Set<string>>;
  /** accountId → last authenticated request (headers and parsed body). */
  lastRequest: Record<string, LastRequest>;
  /** accountId → inference requests lacking originator/version/User-Agent. */
  missingIdentity: Record<string, number>;
  /** Authorization-code exchanges whose PKCE verifier matched. */
  pkceVerified: number;
  /** Requests rejected before an account was known (bad/unknown token). */
  unauthenticated: number;
  /** Device-flow poll requests. */
  devicePolls: number;
}
