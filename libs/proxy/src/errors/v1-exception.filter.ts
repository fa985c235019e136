import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import type { Request, Response } from 'express';
import { ClientRequestError } from '@mcp/codex';
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

/** Any error thrown on a /v1 route, as the OpenAI envelope (PROTOCOL.md §12.1). */
export function toOpenAiHttpError(error: unknown): OpenAiHttpError {
  if (error instanceof OpenAiHttpError) return error;
  if (error instanceof ClientRequestError) {
    return new OpenAiHttpError(error.status, error.message, error.type, { code: error.code, param: error.param });
  }
  if (error instanceof HttpException) return fromHttpException(error);
  return internalError();
}

function fromHttpException(error: HttpException): OpenAiHttpError {
  const status = error.getStatus();
  if (status >= 500) return internalError();
  const envelope = envelopeOf(error.getResponse());
  if (envelope) return new OpenAiHttpError(status, envelope.message, envelope.type, envelope);
  const headers: Record<string, string> = status === 401 ? { 'www-authenticate': 'Bearer' } : {};
  return new OpenAiHttpError(status, httpExceptionMessage(error), TYPE_BY_STATUS[status] ?? 'invalid_request_error', {
    code: CODE_BY_STATUS[status] ?? 'invalid_request_error',
    headers,
  });
}

/** An HttpException whose body is already the OpenAI envelope (e.g. from ClientKeyGuard) keeps its fields. */
function envelopeOf(
  response: unknown,
): { message: string; type: string; code: string | null; param: string | null } | undefined {
  if (typeof response !== 'object' || response === null) return undefined;
  const inner = (response as { error?: unknown }).error;
  if (typeof inner !== 'object' || inner === null) return undefined;
  const { message, type, code, param } = inner as Record<string, unknown>;
  if (typeof message !== 'string' || typeof type !== 'string') return undefined;
  return {
    message,
    type,
    code: typeof code === 'string' ? code : null,
    param: typeof param === 'string' ? param : null,
  };
}

function httpExceptionMessage(error: HttpException): string {
  const response = error.getResponse();
  if (typeof response === 'string') return response;
  const message = (response as { message?: unknown }).message;
  if (Array.isArray(message)) return message.join('; ');
  return typeof message === 'string' ? message : error.message;
}

/** Catch-all for the /v1 controllers: guard, pipe and handler errors all leave as the OpenAI envelope. */
@Catch()
export class V1ExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger('V1ExceptionFilter');

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const req = http.getRequest<Request>();
    const res = http.getResponse<Response>();
    const error = toOpenAiHttpError(exception);
    if (error.status === 500) {
      this.logger.error(`${req.method} ${req.originalUrl} failed: ${(exception as Error)?.stack ?? String(exception)}`);
    }
    const requestId = res.headersSent ? undefined : ensureRequestId(req, res);
    renderOpenAiError(res, error, requestId);
  }
}
