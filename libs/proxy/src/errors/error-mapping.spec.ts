import { BadRequestException, NotFoundException, UnauthorizedException } from '@nestjs/common';
import { ClientRequestError } from '@mcp/codex';
import type { TraceAttempt } from '@mcp/contracts';
import { NO_ACCOUNTS_MESSAGE, finalError, upstreamClientError, type NoAccountFacts } from './final-error';
import { OpenAiHttpError } from './openai-error';
import { OpenAiErrorSurface, toOpenAiHttpError } from './openai-surface';
import { unmatchedRouteError } from '../http/v1-routes';

const NOW = Date.UTC(2026, 0, 1, 10, 0, 0);
const ctx = { now: NOW, transientCooldownMs: 15_000 };

function noAccount(reason: NoAccountFacts['reason'], extra: Partial<NoAccountFacts> = {}): NoAccountFacts {
  return { reason, message: `routing says ${reason}`, model: 'gpt-5.3-codex', ...extra };
}

function attempt(cls: TraceAttempt['class']): TraceAttempt {
  return { accountId: 'acc_1', status: 200, class: cls, latencyMs: 5 };
}

describe('finalError (PROTOCOL.md §12.2)', () => {
  it('answers 429 usage_limit_reached with Retry-After and resets_at when every account is exhausted', () => {
    const resetAt = NOW + 2 * 3600_000 + 14 * 60_000;
    const error = finalError(
      noAccount('exhausted', { soonestResetAt: resetAt }),
      [attempt('quota'), attempt('quota')],
      ctx,
    );
    expect(error.status).toBe(429);
    expect(error.headers['Retry-After']).toBe(String(2 * 3600 + 14 * 60));
    expect(error.toBody()).toEqual({
      error: {
        message: 'routing says exhausted',
        type: 'usage_limit_reached',
        code: 'all_accounts_exhausted',
        param: null,
        resets_at: Math.ceil(resetAt / 1000),
        resets_in_seconds: 2 * 3600 + 14 * 60,
      },
    });
  });

  it('never reports transient upstream failures as 429: 503 upstream_unavailable with Retry-After', () => {
    const error = finalError(noAccount('transient', { soonestResetAt: NOW + 9_500 }), [attempt('transient')], ctx);
    expect(error.status).toBe(503);
    expect(error.code).toBe('upstream_unavailable');
    expect(error.type).toBe('service_unavailable');
    expect(error.headers['Retry-After']).toBe('10');
  });

  it('falls back to TRANSIENT_COOLDOWN_MS for Retry-After when routing knows no end', () => {
    expect(finalError(noAccount('transient'), [attempt('transient')], ctx).headers['Retry-After']).toBe('15');
  });

  it('answers 502 empty_output when every attempt came back empty', () => {
    const error = finalError(noAccount('transient'), [attempt('empty_output'), attempt('empty_output')], ctx);
    expect(error.status).toBe(502);
    expect(error.code).toBe('empty_output');
    expect(error.type).toBe('upstream_error');
  });

  it('answers 502 bad_gateway when every attempt was truncated or empty', () => {
    const error = finalError(noAccount('transient'), [attempt('truncated'), attempt('empty_output')], ctx);
    expect(error.status).toBe(502);
    expect(error.code).toBe('bad_gateway');
  });

  it('answers 503 no_accounts telling the operator to add one in the dashboard', () => {
    const error = finalError(noAccount('no_accounts'), [], ctx);
    expect(error.status).toBe(503);
    expect(error.code).toBe('no_accounts');
    expect(error.message).toBe(NO_ACCOUNTS_MESSAGE);
    expect(error.message).toMatch(/add one in the dashboard/);
  });

  it('answers 503 accounts_need_reauth when every account needs a new login', () => {
    const error = finalError(noAccount('needs_reauth'), [attempt('auth')], ctx);
    expect([error.status, error.code]).toEqual([503, 'accounts_need_reauth']);
  });

  it('answers 404 model_not_found with param model when no account may serve the model', () => {
    const error = finalError(noAccount('model_unavailable'), [attempt('model_ineligible')], ctx);
    expect(error.toBody().error).toEqual({
      message: "The model 'gpt-5.3-codex' does not exist",
      type: 'invalid_request_error',
      code: 'model_not_found',
      param: 'model',
    });
    expect(error.status).toBe(404);
  });

  it('keeps the upstream code (context_length_exceeded) on a client error', () => {
    const error = upstreamClientError(
      'Your input exceeds the context window of this model.',
      'context_length_exceeded',
    );
    expect([error.status, error.type, error.code]).toEqual([400, 'invalid_request_error', 'context_length_exceeded']);
  });
});

describe('toOpenAiHttpError', () => {
  it('keeps an OpenAiHttpError as it is', () => {
    const original = new OpenAiHttpError(418, 'teapot', 'invalid_request_error', { code: 'x' });
    expect(toOpenAiHttpError(original)).toBe(original);
  });

  it('maps a ClientRequestError with its param and code', () => {
    const error = toOpenAiHttpError(
      new ClientRequestError("'n' must be 1", { code: 'unsupported_parameter', param: 'n' }),
    );
    expect(error.toBody()).toEqual({
      error: { message: "'n' must be 1", type: 'invalid_request_error', code: 'unsupported_parameter', param: 'n' },
    });
    expect(error.status).toBe(400);
  });

  it('maps plain Nest exceptions to the envelope', () => {
    const unauthorized = toOpenAiHttpError(new UnauthorizedException());
    expect([unauthorized.status, unauthorized.code, unauthorized.headers['www-authenticate']]).toEqual([
      401,
      'invalid_api_key',
      'Bearer',
    ]);
    const bad = toOpenAiHttpError(new BadRequestException(['model must be a string', 'input is required']));
    expect(bad.toBody().error).toEqual(
      expect.objectContaining({ message: 'model must be a string; input is required', type: 'invalid_request_error' }),
    );
    expect(toOpenAiHttpError(new NotFoundException()).code).toBe('unknown_url');
  });

  it('hides unexpected errors behind 500 internal_error without any stack', () => {
    const error = toOpenAiHttpError(new TypeError('Cannot read properties of undefined (reading "x")'));
    expect(error.status).toBe(500);
    expect(error.toBody()).toEqual({
      error: {
        message: 'The server had an internal error while processing your request.',
        type: 'server_error',
        code: 'internal_error',
        param: null,
      },
    });
  });
});

describe('unmatchedRouteError', () => {
  it('answers 405 with Allow for a wrong method on a known route, root aliases included', () => {
    const error = unmatchedRouteError('GET', '/v1/chat/completions');
    expect([error.status, error.code, error.headers['Allow']]).toEqual([405, 'method_not_allowed', 'POST']);
    expect(unmatchedRouteError('DELETE', '/models').headers['Allow']).toBe('GET');
  });

  it('answers 404 unknown_url naming the method and path otherwise', () => {
    const error = unmatchedRouteError('POST', '/v1/embeddings');
    expect(error.status).toBe(404);
    expect(error.toBody().error).toEqual(
      expect.objectContaining({ message: 'Unknown request URL: POST /v1/embeddings', code: 'unknown_url' }),
    );
  });
});

describe('OpenAiErrorSurface', () => {
  it('claims /v1, its root aliases and /backend-api, and leaves /admin and the dashboard to Nest', () => {
    const surface = new OpenAiErrorSurface();
    const claimed = ['/v1', '/v1/embeddings', '/models', '/models/x', '/responses/compact', '/chat/completions'];
    expect(claimed.concat('/backend-api/codex/responses').every((path) => surface.matches(path))).toBe(true);
    expect(['/admin/accounts', '/health', '/', '/v1beta', '/modelsx'].some((path) => surface.matches(path))).toBe(
      false,
    );
  });
});
