import type { ServerResponse } from 'node:http';
import { JSON_UTF8, sendBytes } from '../http/send-bytes';

/** The body of every non-2xx /v1 response (PROTOCOL.md §12.1); `extra` carries fields such as `resets_at`. */
export interface OpenAiErrorBody {
  error: {
    message: string;
    type: string;
    code: string | null;
    param: string | null;
    [extra: string]: unknown;
  };
}

export interface OpenAiHttpErrorOptions {
  code?: string | null;
  param?: string | null;
  headers?: Record<string, string>;
  extra?: Record<string, unknown>;
}

/** A /v1 error with everything needed to render it: status, envelope fields and response headers. */
export class OpenAiHttpError extends Error {
  readonly code: string | null;
  readonly param: string | null;
  readonly headers: Record<string, string>;
  readonly extra: Record<string, unknown>;

  constructor(
    readonly status: number,
    message: string,
    readonly type: string,
    options: OpenAiHttpErrorOptions = {},
  ) {
    super(message);
    this.name = 'OpenAiHttpError';
    this.code = options.code ?? null;
    this.param = options.param ?? null;
    this.headers = options.headers ?? {};
    this.extra = options.extra ?? {};
  }

  toBody(): OpenAiErrorBody {
    return { error: { message: this.message, type: this.type, code: this.code, param: this.param, ...this.extra } };
  }
}

export function invalidRequest(
  message: string,
  code = 'invalid_request_error',
  param: string | null = null,
): OpenAiHttpError {
  return new OpenAiHttpError(400, message, 'invalid_request_error', { code, param });
}

export function modelNotFound(model: string): OpenAiHttpError {
  return new OpenAiHttpError(404, `The model '${model}' does not exist`, 'invalid_request_error', {
    code: 'model_not_found',
    param: 'model',
  });
}

export function payloadTooLarge(limitBytes: number): OpenAiHttpError {
  return new OpenAiHttpError(
    413,
    `Request body is larger than the limit of ${limitBytes} bytes (REQUEST_BODY_LIMIT).`,
    'invalid_request_error',
    { code: 'payload_too_large' },
  );
}

export function unknownUrl(method: string, path: string): OpenAiHttpError {
  return new OpenAiHttpError(404, `Unknown request URL: ${method} ${path}`, 'invalid_request_error', {
    code: 'unknown_url',
  });
}

export function methodNotAllowed(method: string, path: string, allowed: string[]): OpenAiHttpError {
  return new OpenAiHttpError(405, `Method ${method} is not allowed on ${path}.`, 'invalid_request_error', {
    code: 'method_not_allowed',
    headers: { Allow: allowed.join(', ') },
  });
}

export function internalError(): OpenAiHttpError {
  return new OpenAiHttpError(500, 'The server had an internal error while processing your request.', 'server_error', {
    code: 'internal_error',
  });
}

/**
 * Writes the envelope unless the response has already started (then the stream owner reports the error in-stream).
 * `x-request-id` is always set so a user can quote it.
 */
export function renderOpenAiError(res: ServerResponse, error: OpenAiHttpError, requestId: string | undefined): void {
  if (res.headersSent) {
    if (!res.writableEnded) res.end();
    return;
  }
  if (requestId) res.setHeader('x-request-id', requestId);
  for (const [name, value] of Object.entries(error.headers)) res.setHeader(name, value);
  sendBytes(res, error.status, JSON_UTF8, JSON.stringify(error.toBody()));
}
