import type {
  AccountRecord,
  CountersSnapshot,
  EmulatorOptions,
  Fault,
  FaultRoute,
  LastRequest,
  RouteName,
} from './types';

export const DEFAULT_CLIENT_ID = 'app_EMoamEEZ73f0CkXaXp7hrann';

export function defaultOptions(): EmulatorOptions {
  return {
    clientId: DEFAULT_CLIENT_ID,
    redirectUris: ['http://localhost:1455/auth/callback'],
    deviceRedirectUri: 'https://auth.openai.com/deviceauth/callback',
    autoCreateAccounts: true,
    denyNextLogin: false,
    emptyCompletedOutput: false,
    rateLimitsEventEvery: 4,
    deltaIntervalMs: 0,
    accessTokenTtlSec: 3600,
    identityRequiredModels: [],
    refreshErrorStyle: 'codes',
    defaultPercentPerRequest: 1,
    deviceIntervalSec: 5,
    deviceExpiresInSec: 900,
  };
}

export interface AccessTokenEntry {
  accountId: string;
  expiresAt: number;
  revoked: boolean;
}

export interface RefreshTokenEntry {
  accountId: string;
  status: 'live' | 'used' | 'revoked';
}

export interface AuthCodeEntry {
  accountId: string;
  clientId: string;
  redirectUri: string;
  codeChallenge: string;
  expiresAt: number;
  used: boolean;
}

export interface DeviceFlowEntry {
  deviceAuthId: string;
  userCode: string;
  expiresAt: number;
  approvedAccountId?: string;
  redeemed: boolean;
}

export interface PendingFault {
  fault: Fault;
  route: FaultRoute;
  remaining: number;
}

/** All mutable emulator state, kept in memory only (no disk I/O on the request path). */
export class EmulatorState {
  readonly accounts = new Map<string, AccountRecord>();
  readonly accessTokens = new Map<string, AccessTokenEntry>();
  readonly refreshTokens = new Map<string, RefreshTokenEntry>();
  readonly authCodes = new Map<string, AuthCodeEntry>();
  readonly deviceFlows = new Map<string, DeviceFlowEntry>();
  /** Every id token handed out, so leak scans can look for them too. */
  readonly idTokens = new Set<string>();
  readonly faults = new Map<string, PendingFault[]>();
  /** prompt_cache_key → accountId → input tokens of the last request with that key. */
  readonly promptCache = new Map<string, Map<string, number>>();
  counters: CountersSnapshot = emptyCounters();
  nextLoginAccountId: string | undefined;
  private offsetMs = 0;
  private sequence = 0;
  streamsServed = 0;

  constructor(
    readonly options: EmulatorOptions,
    private readonly clock: () => number = Date.now,
  ) {}

  now(): number {
    return this.clock() + this.offsetMs;
  }

  advance(ms: number): void {
    this.offsetMs += ms;
  }

  /** Short unique ids (`resp_0000002a…`): cheaper than random bytes on the hot path. */
  nextId(prefix: string): string {
    this.sequence += 1;
    return `${prefix}${this.sequence.toString(16).padStart(8, '0')}${Math.random().toString(16).slice(2, 10)}`;
  }

  countRequest(accountId: string, route: RouteName): void {
    const perRoute = (this.counters.requests[accountId] ??= {});
    perRoute[route] = (perRoute[route] ?? 0) + 1;
  }

  bump(map: Record<string, number>, accountId: string): void {
    map[accountId] = (map[accountId] ?? 0) + 1;
  }

  recordLast(accountId: string, last: LastRequest, raw?: Buffer): void {
    // Decoded only when a test or the control API reads it: the bench measures this process's CPU per request.
    if (raw) Object.defineProperty(last, 'text', { get: () => raw.toString('utf8'), enumerable: true });
    this.counters.lastRequest[accountId] = last;
  }
}

export function emptyCounters(): CountersSnapshot {
  return {
    requests: {},
    refreshCalls: {},
    rejectedRefreshes: {},
    abortedRequests: {},
    promptCacheKeys: new Map(),
    lastRequest: {},
    missingIdentity: {},
    pkceVerified: 0,
    unauthenticated: 0,
    devicePolls: 0,
  };
}

/** Deep copy for callers, so later requests do not mutate an assertion's snapshot. */
export function copyCounters(c: CountersSnapshot): CountersSnapshot {
  const keys = new Map<string, Set<string>>();
  for (const [k, v] of c.promptCacheKeys) keys.set(k, new Set(v));
  const requests: CountersSnapshot['requests'] = {};
  for (const [k, v] of Object.entries(c.requests)) requests[k] = { ...v };
  return {
    ...c,
    requests,
    refreshCalls: { ...c.refreshCalls },
    rejectedRefreshes: { ...c.rejectedRefreshes },
    abortedRequests: { ...c.abortedRequests },
    missingIdentity: { ...c.missingIdentity },
    lastRequest: { ...c.lastRequest },
    promptCacheKeys: keys,
  };
}

/** JSON form for the control API (Sets become arrays). */
export function countersToJson(c: CountersSnapshot): Record<string, unknown> {
  const keys: Record<string, string[]> = {};
  for (const [k, v] of c.promptCacheKeys) keys[k] = [...v];
  return { ...c, promptCacheKeys: keys };
}
