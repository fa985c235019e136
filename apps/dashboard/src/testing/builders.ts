import type { AccountView, TraceSummary, UsageWindow } from '@mcp/contracts';

export const HOUR = 3_600_000;

/** A healthy account; pass what differs. */
export function accountView(
  id: string,
  patch: Partial<AccountView> = {},
  state: Partial<AccountView['state']> = {},
): AccountView {
  return {
    id,
    email: `${id}@example.com`,
    hasRefreshToken: true,
    enabled: true,
    priority: 0,
    createdAt: 0,
    updatedAt: 0,
    status: 'available',
    ...patch,
    state: { modelBlocks: {}, needsReauth: false, recentErrors: [], ...patch.state, ...state },
  };
}

export function usageWindow(usedPercent: number, resetAt: number | null, windowSeconds = 18_000): UsageWindow {
  return { usedPercent, resetAt, windowSeconds };
}

/** An account whose 5-hour window is used up until `resetAt`. */
export function exhaustedAccount(id: string, resetAt: number | null, now: number): AccountView {
  return accountView(id, {
    status: 'blocked',
    usage: {
      fiveHour: usageWindow(100, resetAt),
      weekly: usageWindow(40, now + 72 * HOUR, 604_800),
      fetchedAt: now,
      source: 'probe',
    },
  });
}

export function traceSummary(id: string, patch: Partial<TraceSummary> = {}): TraceSummary {
  return {
    id,
    at: Date.UTC(2026, 0, 1, 12),
    route: '/v1/chat/completions',
    method: 'POST',
    accountId: 'acc_1',
    accountEmail: 'dev@example.com',
    model: 'gpt-5.3-codex',
    upstreamModel: 'gpt-5.3-codex',
    status: 200,
    isError: false,
    stream: true,
    latencyMs: 1234,
    ttfbMs: 321,
    tokensInput: 100,
    tokensInputCached: 0,
    tokensOutput: 20,
    tokensReasoning: 0,
    tokensTotal: 120,
    costUsd: 0.0012,
    finishReason: 'stop',
    attempts: [{ accountId: 'acc_1', status: 200, class: 'ok', latencyMs: 1200 }],
    hasRequestBody: true,
    ...patch,
  };
}
