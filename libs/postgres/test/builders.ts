import { type Account, emptyState } from '@mcp/accounts';
import type { StatsRecord, TraceRecord } from '@mcp/contracts';
import type { OAuthFlow } from '@mcp/oauth';
import type { StoredApiKey } from '@mcp/client-keys';

const T0 = Date.UTC(2026, 0, 15, 12);

export function account(id: string, over: Partial<Account> = {}): Account {
  return {
    id,
    email: `${id}@example.com`,
    chatgptAccountId: `ws-${id}`,
    chatgptUserId: `user-${id}`,
    accessToken: `access-${id}`,
    refreshToken: `refresh-${id}`,
    idToken: `id-${id}`,
    expiresAt: T0 + 3_600_000,
    enabled: true,
    priority: 0,
    createdAt: T0,
    updatedAt: T0,
    state: emptyState(),
    ...over,
  };
}

export function flow(id: string, over: Partial<OAuthFlow> = {}): OAuthFlow {
  return {
    id,
    method: 'browser',
    status: 'pending',
    codeVerifier: `verifier-${id}`,
    createdAt: Date.now(),
    expiresAt: Date.now() + 900_000,
    ...over,
  };
}

export function apiKey(id: string, over: Partial<StoredApiKey> = {}): StoredApiKey {
  return { id, name: `key ${id}`, hash: 'a'.repeat(64), prefix: 'mcp_abc', enabled: true, createdAt: T0, ...over };
}

export function statsRecord(id: string, over: Partial<StatsRecord> = {}): StatsRecord {
  return {
    id,
    at: T0,
    route: '/v1/chat/completions',
    method: 'POST',
    accountId: 'acc_a',
    clientKeyId: null,
    model: 'gpt-5.3-codex',
    status: 200,
    isError: false,
    stream: true,
    latencyMs: 120,
    ttfbMs: 40,
    tokensInput: 100,
    tokensInputCached: 10,
    tokensOutput: 20,
    tokensReasoning: 5,
    tokensTotal: 120,
    costUsd: 0.0012,
    finishReason: 'stop',
    ...over,
  };
}

export function traceRecord(id: string, over: Partial<TraceRecord> = {}): TraceRecord {
  return {
    ...statsRecord(id),
    accountEmail: 'a@example.com',
    upstreamModel: 'gpt-5.3-codex',
    attempts: [{ accountId: 'acc_a', status: 200, class: 'ok', latencyMs: 120 }],
    requestBody: { model: 'gpt-5.3-codex', input: 'hello' },
    ...over,
  };
}
