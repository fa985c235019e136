import type { AttemptClass, TraceAttempt } from '@mcp/contracts';
import { finalError, type NoAccountFacts } from './final-error';

const NOW = Date.UTC(2026, 0, 1, 10, 0, 0);
const ctx = { now: NOW, transientCooldownMs: 15_000 };

function attempt(accountId: string, cls: AttemptClass): TraceAttempt {
  return { accountId, status: cls === 'transient' ? 503 : 429, class: cls, latencyMs: 3 };
}

const transient: NoAccountFacts = {
  reason: 'transient',
  message: "No account can serve model 'gpt-5.4' right now: the upstream is temporarily unavailable.",
  model: 'gpt-5.4',
  accountCount: 2,
  soonestResetAt: NOW + 2_000,
};

describe('finalError: 503 or 429 (PROTOCOL §7.4 revised, §12.2)', () => {
  it('answers 503 upstream_unavailable when a candidate failed transiently in this request', () => {
    const error = finalError(transient, [attempt('a', 'quota'), attempt('b', 'transient')], ctx);
    expect(error.status).toBe(503);
    expect(error.code).toBe('upstream_unavailable');
  });

  it('answers 429 when every attempt was refused for quota or rate limit, even if a block already ended', () => {
    const error = finalError(transient, [attempt('a', 'quota'), attempt('b', 'rate_limit')], ctx);
    expect(error.status).toBe(429);
    expect([error.type, error.code]).toEqual(['usage_limit_reached', 'all_accounts_exhausted']);
    expect(error.message).toMatch(/^All 2 accounts are at their usage limit for model 'gpt-5.4'/);
    expect(error.headers['Retry-After']).toBe('2');
  });

  it('judges each account by its last answer: a transient failure then a quota refusal counts as quota', () => {
    const attempts = [attempt('a', 'transient'), attempt('b', 'quota'), attempt('a', 'quota')];
    expect(finalError(transient, attempts, ctx).status).toBe(429);
  });
});
