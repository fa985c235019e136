import { redactBody } from '../redact';
import { estimateInputTokens } from './count-tokens';
import { anthropicErrorFor, anthropicErrorType, anthropicStreamErrorType, renderAnthropicError } from './errors';
import { anthropicToResponsesRequest } from './request';

describe('Anthropic error envelope (§14)', () => {
  it('renders {type:"error", error:{type, message}} with the request id', () => {
    expect(renderAnthropicError(404, 'not_found_error', 'no such model', 'req-1')).toEqual({
      status: 404,
      body: { type: 'error', error: { type: 'not_found_error', message: 'no such model' }, request_id: 'req-1' },
    });
  });

  it('maps statuses to Anthropic’s types', () => {
    expect([400, 401, 403, 404, 405, 413, 429, 500, 502, 503, 529].map(anthropicErrorType)).toEqual([
      'invalid_request_error',
      'authentication_error',
      'permission_error',
      'not_found_error',
      'invalid_request_error',
      'request_too_large',
      'rate_limit_error',
      'api_error',
      'api_error',
      'api_error',
      'overloaded_error',
    ]);
  });

  it('reports transient upstream trouble as 529 overloaded, a missing account as 503', () => {
    expect(anthropicErrorFor({ status: 503, message: 'busy', code: 'upstream_unavailable' })).toMatchObject({
      status: 529,
      body: { error: { type: 'overloaded_error' } },
    });
    expect(anthropicErrorFor({ status: 503, message: 'none', code: 'no_accounts' })).toMatchObject({
      status: 503,
      body: { error: { type: 'api_error' } },
    });
    expect(anthropicErrorFor({ status: 429, message: 'spent', code: 'all_accounts_exhausted' }).status).toBe(429);
  });

  it('names in-stream errors by upstream code', () => {
    expect(anthropicStreamErrorType('server_is_overloaded')).toBe('overloaded_error');
    expect(anthropicStreamErrorType('usage_limit_reached')).toBe('rate_limit_error');
    expect(anthropicStreamErrorType('context_length_exceeded')).toBe('invalid_request_error');
    expect(anthropicStreamErrorType('stream_interrupted')).toBe('api_error');
  });
});

describe('count_tokens estimate and traces', () => {
  const map = { default: 'gpt-5.3-codex' };
  const estimate = (body: object) =>
    estimateInputTokens(anthropicToResponsesRequest({ model: 'claude-x', max_tokens: 1, ...body }, { modelMap: map }));

  it('grows with the prompt, the system text and the tools, at about four characters a token', () => {
    const base = estimate({ messages: [{ role: 'user', content: 'hi' }] });
    const long = estimate({ messages: [{ role: 'user', content: 'x'.repeat(4000) }] });
    expect(long - base).toBeGreaterThanOrEqual(990);
    expect(long - base).toBeLessThanOrEqual(1010);
    const withTools = estimate({
      messages: [{ role: 'user', content: 'hi' }],
      tools: [{ name: 'Bash', description: 'run '.repeat(100), input_schema: { type: 'object' } }],
    });
    expect(withTools).toBeGreaterThan(base + 90);
  });

  it('charges an image a flat amount, not its base64 length', () => {
    const image = (bytes: number) =>
      estimate({
        messages: [
          {
            role: 'user',
            content: [{ type: 'image', source: { type: 'base64', media_type: 'image/png', data: 'A'.repeat(bytes) } }],
          },
        ],
      });
    expect(image(100)).toBe(image(100_000));
  });

  it('summarises base64 sources in traces like data URLs', () => {
    const body = {
      messages: [
        {
          role: 'user',
          content: [{ type: 'image', source: { type: 'base64', media_type: 'image/png', data: 'AAAA' } }],
        },
      ],
    };
    expect(redactBody(body).messages[0]!.content[0]!.source).toEqual({
      type: 'base64',
      media_type: 'image/png',
      data: '<data:image/png;base64, 3 bytes>',
    });
    expect(redactBody({ data: 'plain', type: 'text' })).toEqual({ data: 'plain', type: 'text' });
  });
});
