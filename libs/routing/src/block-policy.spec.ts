import type { UpstreamFailure } from '@mcp/codex';
import { FAKE_CLOCK_START } from '@mcp/testing';
import { blockForFailure, type BlockDurations, type RoutingFailure } from './block-policy';
import { HOUR, usage, weekly } from '../test/routing-fixtures';

const NOW = FAKE_CLOCK_START;
const MODEL = 'gpt-5.3-codex';
const durations: BlockDurations = {
  blockFallbackMs: 1_800_000,
  rateLimitCooldownMs: 60_000,
  transientCooldownMs: 15_000,
  modelIneligibleMs: HOUR,
};
const failure = (kind: RoutingFailure['kind'], extra: Partial<RoutingFailure> = {}): RoutingFailure => ({
  kind,
  message: 'upstream said no',
  status: 429,
  code: null,
  ...extra,
});

describe('blockForFailure (PROTOCOL §4.2, §7.4)', () => {
  it.each([
    [
      'quota with a reset time blocks the account until then',
      failure('quota', { resetAt: NOW + 2 * HOUR }),
      { until: NOW + 2 * HOUR, kind: 'quota' },
      undefined,
    ],
    [
      'a model-family quota blocks only account×model',
      failure('quota', { resetAt: NOW + HOUR, modelScoped: true }),
      { until: NOW + HOUR, kind: 'quota' },
      MODEL,
    ],
    [
      'quota without any time falls back to BLOCK_FALLBACK_MS',
      failure('quota'),
      { until: NOW + 1_800_000, kind: 'quota' },
      undefined,
    ],
    ['plan blocks the account', failure('plan', { status: 403 }), { until: NOW + 1_800_000, kind: 'plan' }, undefined],
    [
      'a rate limit cools down for Retry-After',
      failure('rate_limit', { retryAfterMs: 7000 }),
      { until: NOW + 7000, kind: 'rate_limit' },
      undefined,
    ],
    [
      'a rate limit without Retry-After cools down for RATE_LIMIT_COOLDOWN_MS',
      failure('rate_limit'),
      { until: NOW + 60_000, kind: 'rate_limit' },
      undefined,
    ],
    [
      'model not supported makes account×model ineligible',
      failure('model_ineligible', { status: 400 }),
      { until: NOW + HOUR, kind: 'ineligible' },
      MODEL,
    ],
    [
      'a transient failure cools account×model down',
      failure('transient', { status: 502 }),
      { until: NOW + 15_000, kind: 'transient' },
      MODEL,
    ],
    [
      'a 403 account fault blocks for BLOCK_FALLBACK_MS',
      failure('account', { status: 403 }),
      { until: NOW + 1_800_000, kind: 'account' },
      undefined,
    ],
  ])('%s', (_name, input, block, model) => {
    const decision = blockForFailure(input, MODEL, NOW, durations);
    expect(decision?.block).toMatchObject(block);
    expect(decision?.model).toBe(model);
  });

  it('uses the spent window of the last snapshot when the failure carries no time (§4.4 step 5)', () => {
    const snapshot = usage(NOW, { weekly: weekly(100, NOW + 5 * HOUR) });
    expect(blockForFailure(failure('quota'), MODEL, NOW, durations, snapshot)?.block.until).toBe(NOW + 5 * HOUR);
  });

  it('ignores a reset time already in the past', () => {
    expect(blockForFailure(failure('quota', { resetAt: NOW - 1 }), MODEL, NOW, durations)?.block.until).toBe(
      NOW + 1_800_000,
    );
  });

  it('leaves no block for auth (the caller refreshes) or client errors (not the account’s fault)', () => {
    expect(blockForFailure(failure('auth', { status: 401 }), MODEL, NOW, durations)).toBeUndefined();
    expect(blockForFailure(failure('client', { status: 400 }), MODEL, NOW, durations)).toBeUndefined();
  });

  it('keeps the upstream status, code and message as the block reason', () => {
    const decision = blockForFailure(
      failure('quota', { code: 'usage_limit_reached', message: 'The usage limit has been reached' }),
      MODEL,
      NOW,
      durations,
    );
    expect(decision?.block.reason).toBe('429 usage_limit_reached: The usage limit has been reached');
  });

  it("takes the classifier's UpstreamFailure as is", () => {
    const classified: UpstreamFailure = {
      kind: 'quota',
      status: 429,
      code: 'usage_limit_reached',
      message: 'limit',
      resetAt: NOW + HOUR,
      modelScoped: false,
    };
    expect(blockForFailure(classified, MODEL, NOW, durations)).toEqual({
      block: { until: NOW + HOUR, kind: 'quota', reason: '429 usage_limit_reached: limit' },
    });
  });
});
