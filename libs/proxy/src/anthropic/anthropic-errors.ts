import { Injectable } from '@nestjs/common';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { JSON_UTF8, sendBytes } from '../http/send-bytes';
import { anthropicErrorFor, renderAnthropicError } from '@mcp/codex';
import { ErrorSurface, type HttpProblem } from '@mcp/errors';
import type { OpenAiHttpError } from '../errors/openai-error';
import { ensureRequestId } from '../request-context';

/** /v1/messages and everything under it (the root alias /messages too): Anthropic's envelope. */
const MESSAGES_PATH = /^\/(v1\/)?messages(\/|$)/;

export function isMessagesPath(path: string): boolean {
  return MESSAGES_PATH.test(path);
}

/** Headers an answer keeps whatever its envelope (Retry-After on 429/503, Allow on 405). */
function writeHeaders(res: ServerResponse, headers: Record<string, string> | undefined): void {
  for (const [name, value] of Object.entries(headers ?? {})) {
    if (name.toLowerCase() !== 'www-authenticate') res.setHeader(name, value);
  }
}

function send(res: ServerResponse, status: number, body: unknown): void {
  sendBytes(res, status, JSON_UTF8, JSON.stringify(body));
}

/** An error the /v1 code built (OpenAI's fields), in Anthropic's envelope and statuses (PROTOCOL.md §14). */
export function renderAnthropicHttpError(
  res: ServerResponse,
  error: OpenAiHttpError,
  requestId: string | undefined,
): void {
  if (res.headersSent) {
    if (!res.writableEnded) res.end();
    return;
  }
  if (requestId) res.setHeader('x-request-id', requestId);
  writeHeaders(res, error.headers);
  const internal = error.status >= 500 && error.type === 'server_error';
  const message = internal ? 'The server had an internal error while processing your request.' : error.message;
  const rendered = anthropicErrorFor({ status: error.status, message, code: error.code, requestId });
  send(res, rendered.status, rendered.body);
}

/**
 * The global filter's renderer for this surface: guard (401), body, routing and unknown-route errors on
 * /v1/messages* all leave in Anthropic's envelope, never OpenAI's.
 */
@Injectable()
export class AnthropicErrorSurface extends ErrorSurface {
  override readonly priority = 10;

  matches(path: string): boolean {
    return isMessagesPath(path);
  }

  render(problem: HttpProblem, req: IncomingMessage, res: ServerResponse): void {
    const requestId = ensureRequestId(req, res);
    writeHeaders(res, problem.headers);
    const bug = problem.origin === 'unexpected' || (problem.origin === 'http' && problem.status >= 500);
    if (bug) {
      const rendered = renderAnthropicError(500, 'api_error', 'Internal server error', requestId);
      send(res, rendered.status, rendered.body);
      return;
    }
    const rendered = anthropicErrorFor({
      status: problem.status,
      message: problem.message,
      code: problem.code,
      requestId,
    });
    send(res, rendered.status, rendered.body);
  }
}
