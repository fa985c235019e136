import type { UsageSnapshot } from '@mcp/contracts';
import {
  classifyStreamError,
  classifyUpstreamError,
  networkFailure,
  parseTryAgainIn,
  type UpstreamErrorInput,
} from './classify';
import { ERROR_EVENT, FAILED_BEFORE_COMMIT } from './__fixtures__/responses-streams';

const NOW = Date.parse('2026-01-01T00:00:00Z');
const cfg = { blockFallbackMs: 1_800_000, rateLimitCooldownMs: 60_000 };
const QUOTA_BODY = JSON.stringify({
  error: {
    type: 'usage_limit_reached',
    message: 'The usage limit has been reached',
    plan_type: 'plus',
    resets_at: 1767229200,
    resets_in_seconds: 13872,
  },
});

function classify(input: Partial<UpstreamErrorInput> & { status: number }) {
  return classifyUpstreamError({ now: NOW, config: cfg, ...input });
}

describe('classifyUpstreamError (§4.2)', () => {
  it.each<[string, Partial<UpstreamErrorInput> & { status: number }, Record<string, unknown>]>([
    [
      '429 usage_limit_reached → quota',
      { status: 429, bodyText: QUOTA_BODY },
      { kind: 'quota', code: 'usage_limit_reached', resetAt: 1767229200000 },
    ],
    [
      'usage_not_included on any status → plan',
      { status: 403, bodyText: '{"error":{"code":"usage_not_included","message":"no codex"}}' },
      { kind: 'plan' },
    ],
    [
      '429 rate_limit_exceeded → rate limit',
      { status: 429, bodyText: '{"error":{"code":"rate_limit_exceeded","message":"Slow down"}}' },
      { kind: 'rate_limit', retryAfterMs: 60_000, resetAt: NOW + 60_000 },
    ],
    [
      'model not supported (detail) → ineligible',
      {
        status: 400,
        bodyText: `{"detail":"The 'gpt-5.5' model is not supported when using Codex with a ChatGPT account."}`,
      },
      { kind: 'model_ineligible', modelScoped: true },
    ],
    [
      'model not supported inside invalid_request_error',
      {
        status: 400,
        bodyText: `{"error":{"type":"invalid_request_error","message":"The 'gpt-5.5' model is not supported when using Codex with a ChatGPT account."}}`,
      },
      { kind: 'model_ineligible' },
    ],
    [
      '404 model_not_found → ineligible',
      { status: 404, bodyText: '{"error":{"code":"model_not_found","message":"nope"}}' },
      { kind: 'model_ineligible' },
    ],
    ['401 → auth', { status: 401, bodyText: '{"detail":"Unauthorized"}' }, { kind: 'auth', message: 'Unauthorized' }],
    [
      '403 other → account with the fallback cooldown',
      { status: 403, bodyText: '<html>blocked</html>' },
      { kind: 'account', resetAt: NOW + 1_800_000 },
    ],
    ['500 → transient', { status: 500, bodyText: 'oops' }, { kind: 'transient', status: 500 }],
    [
      '503 overloaded → transient',
      { status: 503, bodyText: '{"error":{"code":"server_is_overloaded","message":"busy"}}' },
      { kind: 'transient', code: 'server_is_overloaded' },
    ],
    [
      '400 slow_down code → transient',
      { status: 400, bodyText: '{"error":{"code":"slow_down","message":"later"}}' },
      { kind: 'transient' },
    ],
    [
      '400 unsupported parameter → client with the upstream message',
      { status: 400, bodyText: '{"detail":"Unsupported parameter: temperature"}' },
      { kind: 'client', code: null, message: 'Unsupported parameter: temperature' },
    ],
    [
      '400 context_length_exceeded → client, code kept',
      {
        status: 400,
        bodyText: '{"error":{"type":"invalid_request_error","code":"context_length_exceeded","message":"too long"}}',
      },
      { kind: 'client', code: 'context_length_exceeded' },
    ],
    [
      '400 "is not supported with this model" is a client error, not ineligibility',
      { status: 400, bodyText: `{"detail":"Unsupported value: 'xhigh' is not supported with the 'gpt-5.1' model."}` },
      { kind: 'client' },
    ],
    ['413 → client', { status: 413, bodyText: '' }, { kind: 'client', message: 'Upstream HTTP 413' }],
  ])('%s', (_label, input, expected) => {
    expect(classify(input)).toMatchObject(expected);
  });

  it('accepts an already parsed body, and reads its delays from the config it is given', () => {
    const failure = classifyUpstreamError({
      status: 429,
      body: { error: { type: 'usage_limit_reached' } },
      now: NOW,
      config: { ...cfg, blockFallbackMs: 5000 },
    });
    expect(failure).toMatchObject({ kind: 'quota', resetAt: NOW + 5000 });
  });

  it('keeps the first 500 characters of the upstream body for the trace', () => {
    const failure = classify({ status: 500, bodyText: 'x'.repeat(800) });
    expect(failure.upstreamBody).toHaveLength(500);
  });

  describe('quota reset time precedence (§4.4)', () => {
    const exhaustedHeaders = {
      'x-codex-primary-used-percent': '100',
      'x-codex-primary-window-minutes': '300',
      'x-codex-primary-reset-after-seconds': '600',
      'x-codex-secondary-used-percent': '30',
      'x-codex-secondary-window-minutes': '10080',
      'x-codex-secondary-reset-at': '1767900000',
      'retry-after': '120',
    };
    const snapshot: UsageSnapshot = {
      weekly: { usedPercent: 100, resetAt: NOW + 7_000_000, windowSeconds: 604800 },
      fetchedAt: NOW - 1000,
      source: 'probe',
    };
    const quota = (error: Record<string, unknown>) =>
      JSON.stringify({ error: { type: 'usage_limit_reached', ...error } });

    it.each<[string, Partial<UpstreamErrorInput>, number]>([
      [
        '1. body resets_at',
        { bodyText: quota({ resets_at: 1767229200, resets_in_seconds: 5 }), headers: exhaustedHeaders },
        1767229200000,
      ],
      [
        '2. body resets_in_seconds',
        { bodyText: quota({ resets_in_seconds: 90 }), headers: exhaustedHeaders },
        NOW + 90_000,
      ],
      ['3. the exhausted x-codex window', { bodyText: quota({}), headers: exhaustedHeaders, snapshot }, NOW + 600_000],
      ['4. Retry-After seconds', { bodyText: quota({}), headers: { 'retry-after': '120' }, snapshot }, NOW + 120_000],
      [
        '4. Retry-After HTTP date',
        { bodyText: quota({}), headers: { 'retry-after': 'Thu, 01 Jan 2026 01:00:00 GMT' } },
        NOW + 3_600_000,
      ],
      ['5. the exhausted window of the last snapshot', { bodyText: quota({}), snapshot }, NOW + 7_000_000],
      ['5. also through the snapshot alias', { bodyText: quota({}), snapshot }, NOW + 7_000_000],
      ['6. BLOCK_FALLBACK_MS', { bodyText: quota({}) }, NOW + 1_800_000],
      ['a reset already in the past is skipped', { bodyText: quota({ resets_at: 1000 }) }, NOW + 1_800_000],
    ])('%s', (_label, input, resetAt) => {
      expect(classify({ status: 429, ...input })).toMatchObject({ kind: 'quota', resetAt });
    });
  });

  it("scopes a quota to account×model when x-codex-active-limit names another family, with that family's reset", () => {
    const headers = {
      'x-codex-active-limit': 'premium',
      'x-premium-primary-used-percent': '100',
      'x-premium-primary-window-minutes': '300',
      'x-premium-primary-reset-after-seconds': '45',
    };
    const failure = classify({ status: 429, bodyText: '{"error":{"type":"usage_limit_reached"}}', headers });
    expect(failure).toMatchObject({ kind: 'quota', modelScoped: true, resetAt: NOW + 45_000 });
    const plain = classify({
      status: 429,
      bodyText: '{"error":{"type":"usage_limit_reached"}}',
      headers: { 'x-codex-active-limit': 'codex' },
    });
    expect(plain.modelScoped).toBeUndefined();
  });

  it.each<[string, Record<string, string>, string | undefined, number]>([
    ['Retry-After seconds', { 'retry-after': '7' }, 'Rate limited', 7000],
    ['Retry-After date', { 'Retry-After': 'Thu, 01 Jan 2026 00:00:30 GMT' }, undefined, 30_000],
    ['"try again in 1.5s" in the message', {}, 'Rate limit reached. Please try again in 1.5s.', 1500],
    ['"try again in 250ms"', {}, 'Please try again in 250ms', 250],
    ['RATE_LIMIT_COOLDOWN_MS otherwise', {}, 'Too many requests', 60_000],
  ])('plain 429 cooldown from %s', (_label, headers, message, delay) => {
    const bodyText = message === undefined ? '' : JSON.stringify({ error: { code: 'rate_limit_exceeded', message } });
    expect(classify({ status: 429, bodyText, headers })).toMatchObject({
      kind: 'rate_limit',
      retryAfterMs: delay,
      resetAt: NOW + delay,
    });
  });

  it('passes a Retry-After on a 503 along as a hint', () => {
    expect(classify({ status: 503, bodyText: '', headers: { 'retry-after': '3' } })).toMatchObject({
      kind: 'transient',
      retryAfterMs: 3000,
    });
  });
});

describe('parseTryAgainIn', () => {
  it.each([
    ['Please try again in 1.5s.', 1500],
    ['try again in 20ms', 20],
    ['Try again in 1m30s', 90_000],
    ['try again in 2 minutes', 120_000],
    ['try again in 1 hour', 3_600_000],
    ['try again later', undefined],
    [undefined, undefined],
  ])('%p → %p', (message, ms) => {
    expect(parseTryAgainIn(message)).toBe(ms);
  });
});

describe('classifyStreamError (§3.6)', () => {
  it.each<[string, unknown, Record<string, unknown>]>([
    [
      'response.failed usage_limit_reached (the whole event)',
      FAILED_BEFORE_COMMIT.at(-1),
      { kind: 'quota', status: null, resetAt: NOW + 1_800_000 },
    ],
    ['insufficient_quota', { code: 'insufficient_quota', message: 'x' }, { kind: 'quota' }],
    ['usage_not_included', { code: 'usage_not_included', message: 'x' }, { kind: 'plan' }],
    [
      'error event rate_limit_exceeded with "try again in 1.5s"',
      ERROR_EVENT.at(-1),
      { kind: 'rate_limit', retryAfterMs: 1500, resetAt: NOW + 1500 },
    ],
    [
      'rate_limit_exceeded without a delay',
      { code: 'rate_limit_exceeded', message: 'slow' },
      { kind: 'rate_limit', retryAfterMs: 60_000 },
    ],
    [
      'context_length_exceeded → client, code kept',
      { code: 'context_length_exceeded', message: 'too long' },
      { kind: 'client', code: 'context_length_exceeded' },
    ],
    [
      'invalid_prompt → client',
      { code: 'invalid_prompt', message: 'flagged' },
      { kind: 'client', code: 'invalid_prompt' },
    ],
    ['invalid_request_error → client', { type: 'invalid_request_error', message: 'bad' }, { kind: 'client' }],
    ['server_error → transient', { code: 'server_error', message: 'boom' }, { kind: 'transient', modelScoped: true }],
    ['server_is_overloaded → transient', { code: 'server_is_overloaded', message: 'busy' }, { kind: 'transient' }],
    ['unknown code → transient', { code: 'weird', message: 'huh' }, { kind: 'transient' }],
    ['no code, quota message', { message: 'You have hit your usage limit.' }, { kind: 'quota' }],
    [
      'no code, context message',
      { message: "This model's maximum context length is 272000 tokens" },
      { kind: 'client', code: 'context_length_exceeded' },
    ],
    [
      'model not supported message',
      { message: "The 'gpt-5.5' model is not supported when using Codex with a ChatGPT account." },
      { kind: 'model_ineligible' },
    ],
    [
      'the response object of response.failed',
      { error: { code: 'server_error', message: 'x' } },
      { kind: 'transient', code: 'server_error' },
    ],
    ['garbage', 'not an object', { kind: 'transient', message: 'not an object' }],
  ])('%s', (_label, errorObj, expected) => {
    expect(classifyStreamError(errorObj, NOW, cfg)).toMatchObject(expected);
  });

  it('uses the last usage snapshot for a stream quota error without reset fields', () => {
    const lastUsage: UsageSnapshot = {
      fiveHour: { usedPercent: 100, resetAt: NOW + 42_000, windowSeconds: 18000 },
      fetchedAt: NOW,
      source: 'headers',
    };
    expect(classifyStreamError({ code: 'usage_limit_reached', message: 'x' }, NOW, cfg, lastUsage).resetAt).toBe(
      NOW + 42_000,
    );
  });
});

describe('networkFailure', () => {
  it('is a transient failure without status', () => {
    expect(networkFailure('ECONNRESET')).toEqual({
      kind: 'transient',
      status: null,
      code: 'network_error',
      message: 'ECONNRESET',
      modelScoped: true,
    });
    expect(networkFailure('idle', 'timeout').code).toBe('timeout');
  });
});
