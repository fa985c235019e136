import { HttpException, HttpStatus } from '@nestjs/common';

/** The OpenAI error envelope of PROTOCOL §12.1; the /v1 filter renders such a body as is. */
export interface OpenAiErrorBody {
  error: { message: string; type: string; code: string | null; param: string | null };
}

export function openAiError(
  status: number,
  message: string,
  type: string,
  code: string,
  param: string | null = null,
): HttpException {
  const body: OpenAiErrorBody = { error: { message, type, code, param } };
  return new HttpException(body, status);
}

export function invalidApiKey(presented: boolean): HttpException {
  const message = presented
    ? 'Incorrect API key provided. Ask the proxy administrator for a valid client key.'
    : 'Missing API key. Send it as "Authorization: Bearer <key>" or "x-api-key: <key>".';
  return openAiError(HttpStatus.UNAUTHORIZED, message, 'invalid_request_error', 'invalid_api_key');
}

export function modelNotAllowed(model: string): HttpException {
  return openAiError(
    HttpStatus.FORBIDDEN,
    `This API key is not allowed to use the model '${model.slice(0, 200)}'.`,
    'invalid_request_error',
    'model_not_allowed',
    'model',
  );
}

export function rateLimited(limit: number, retryAfterSeconds: number): HttpException {
  return openAiError(
    HttpStatus.TOO_MANY_REQUESTS,
    `Rate limit reached for this API key: ${limit} requests per minute. Try again in ${retryAfterSeconds}s.`,
    'requests',
    'rate_limit_exceeded',
  );
}
