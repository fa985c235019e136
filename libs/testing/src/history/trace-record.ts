import type { TraceRecord } from '@mcp/contracts';

/** A finished request as ProxyModule would record it; override what the spec is about. */
export function traceRecord(over: Partial<TraceRecord> = {}): TraceRecord {
  return {
    id: 'trace-1',
    at: Date.UTC(2025, 0, 15, 12),
    route: '/v1/chat/completions',
    method: 'POST',
    accountId: 'acc_a',
    accountEmail: 'a@example.com',
    clientKeyId: null,
    model: 'gpt-5.3-codex',
    upstreamModel: 'gpt-5.3-codex',
    status: 200,
    isError: false,
    stream: false,
    latencyMs: 120,
    ttfbMs: 40,
    tokensInput: 100,
    tokensInputCached: 0,
    tokensOutput: 20,
    tokensReasoning: 0,
    tokensTotal: 120,
    costUsd: null,
    finishReason: 'stop',
    attempts: [{ accountId: 'acc_a', status: 200, class: 'ok', latencyMs: 120 }],
    ...over,
  };
}
