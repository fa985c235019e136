import type { IncomingMessage, ServerResponse } from 'node:http';
import type { HttpProblem } from '@mcp/errors';
import { OpenAiHttpError } from '../errors/openai-error';
import { AnthropicErrorSurface, isMessagesPath, renderAnthropicHttpError } from './anthropic-errors';

/** Just enough of Node's response to see what was written. */
function fakeResponse() {
  const headers: Record<string, string | number> = {};
  const sent: { status?: number; body?: string } = {};
  const res = {
    headersSent: false,
    writableEnded: false,
    set statusCode(code: number) {
      sent.status = code;
    },
    setHeader: (name: string, value: string | number) => (headers[name.toLowerCase()] = value),
    end(body: Buffer) {
      sent.body = body.toString('utf8');
    },
  };
  return { res: res as unknown as ServerResponse, headers, sent };
}

describe('Anthropic error rendering', () => {
  it('claims /v1/messages and everything under it, nothing else', () => {
    expect(['/v1/messages', '/v1/messages/count_tokens', '/v1/messages/batches/x'].every(isMessagesPath)).toBe(true);
    expect(['/v1/chat/completions', '/v1/messagesx', '/v1/models'].some(isMessagesPath)).toBe(false);
  });

  it('renders a gateway 429 as rate_limit_error and keeps Retry-After, but not WWW-Authenticate', () => {
    const { res, headers, sent } = fakeResponse();
    const error = new OpenAiHttpError(429, 'All 2 accounts are at their usage limit.', 'usage_limit_reached', {
      code: 'all_accounts_exhausted',
      headers: { 'Retry-After': '120', 'www-authenticate': 'Bearer' },
    });
    renderAnthropicHttpError(res, error, 'req-9');
    expect(sent.status).toBe(429);
    expect(JSON.parse(sent.body!)).toEqual({
      type: 'error',
      error: { type: 'rate_limit_error', message: 'All 2 accounts are at their usage limit.' },
      request_id: 'req-9',
    });
    expect(headers['retry-after']).toBe('120');
    expect(headers['www-authenticate']).toBeUndefined();
    expect(headers['x-request-id']).toBe('req-9');
  });

  it('hides a bug behind a plain 500 api_error', () => {
    const { res, sent } = fakeResponse();
    const req = { headers: {}, method: 'POST', originalUrl: '/v1/messages' } as unknown as IncomingMessage;
    const problem: HttpProblem = { origin: 'unexpected', status: 500, message: 'TypeError: x is undefined at …' };
    new AnthropicErrorSurface().render(problem, req, res);
    expect(sent.status).toBe(500);
    expect(JSON.parse(sent.body!).error).toEqual({ type: 'api_error', message: 'Internal server error' });
  });

  it('renders a guard’s 401 as authentication_error', () => {
    const { res, sent } = fakeResponse();
    const req = { headers: {}, method: 'POST', originalUrl: '/v1/messages' } as unknown as IncomingMessage;
    new AnthropicErrorSurface().render({ origin: 'http', status: 401, message: 'Missing API key.' }, req, res);
    expect(sent.status).toBe(401);
    expect(JSON.parse(sent.body!).error).toEqual({ type: 'authentication_error', message: 'Missing API key.' });
  });
});
