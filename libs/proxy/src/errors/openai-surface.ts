import { Injectable } from '@nestjs/common';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { ClientRequestError } from '@mcp/codex';
import { ErrorRegistry, ErrorSurface, ErrorTable, type ErrorRule, type HttpProblem } from '@mcp/errors';
import { OpenAiHttpError, internalError, renderOpenAiError } from './openai-error';
import { ensureRequestId } from '../request-context';

const TYPE_BY_STATUS: Record<number, string> = {
  400: 'invalid_request_error',
  401: 'invalid_request_error',
  403: 'invalid_request_error',
  404: 'invalid_request_error',
  405: 'invalid_request_error',
  409: 'invalid_request_error',
  413: 'invalid_request_error',
  415: 'invalid_request_error',
  422: 'invalid_request_error',
  429: 'rate_limit_error',
  502: 'upstream_error',
  503: 'service_unavailable',
};

const CODE_BY_STATUS: Record<number, string> = {
  401: 'invalid_api_key',
  404: 'unknown_url',
  405: 'method_not_allowed',
  413: 'payload_too_large',
};

/** The errors the /v1 code throws that already know their envelope. */
export const PROXY_ERROR_RULES: readonly ErrorRule[] = [
  [
    OpenAiHttpError,
    (error: OpenAiHttpError) => ({
      status: error.status,
      type: error.type,
      code: error.code,
      param: error.param,
      headers: error.headers,
      extra: error.extra,
    }),
  ],
  [
    ClientRequestError,
    (error: ClientRequestError) => ({ status: error.status, type: error.type, code: error.code, param: error.param }),
  ],
];

/** Any problem as the OpenAI envelope (PROTOCOL.md §12.1): bugs and Nest 5xx answers hide behind internal_error. */
export function openAiErrorOf(problem: HttpProblem): OpenAiHttpError {
  if (problem.origin === 'unexpected' || (problem.origin === 'http' && problem.status >= 500)) return internalError();
  const headers = { ...(problem.headers ?? {}) };
  if (problem.origin === 'http' && problem.status === 401) headers['www-authenticate'] ??= 'Bearer';
  return new OpenAiHttpError(
    problem.status,
    problem.message,
    problem.type ?? TYPE_BY_STATUS[problem.status] ?? 'invalid_request_error',
    {
      code: problem.code !== undefined ? problem.code : (CODE_BY_STATUS[problem.status] ?? 'invalid_request_error'),
      param: problem.param ?? null,
      headers,
      extra: problem.extra,
    },
  );
}

const proxyErrors = new ErrorRegistry([new ErrorTable('proxy', PROXY_ERROR_RULES)]);

/** For the relay's own in-band answers (ProxyService.fail), where no filter runs. */
export function toOpenAiHttpError(error: unknown): OpenAiHttpError {
  return error instanceof OpenAiHttpError ? error : openAiErrorOf(proxyErrors.problemOf(error));
}

/** /v1, its root aliases and /backend-api: OpenAI's envelope, with `x-request-id` so a user can quote it. */
const OPENAI_PATHS = /^\/(v1|models|responses|chat\/completions|backend-api|api\/codex)(\/|$)/;

@Injectable()
export class OpenAiErrorSurface extends ErrorSurface {
  matches(path: string): boolean {
    return OPENAI_PATHS.test(path);
  }

  render(problem: HttpProblem, req: IncomingMessage, res: ServerResponse): void {
    renderOpenAiError(res, openAiErrorOf(problem), ensureRequestId(req, res));
  }
}
