import type { ErrorRule } from '@mcp/errors';

// Domain errors of client keys: plain classes; CLIENT_KEY_ERRORS maps them for the global filter, which renders
// them in the envelope of the surface the request came in on (OpenAI on /v1, Nest's shape on /admin).

/** No key, or one that matches no enabled client key (401; the presented value is never echoed). */
export class InvalidApiKeyError extends Error {
  constructor(readonly presented: boolean) {
    super(
      presented
        ? 'Incorrect API key provided. Ask the proxy administrator for a valid client key.'
        : 'Missing API key. Send it as "Authorization: Bearer <key>" or "x-api-key: <key>".',
    );
    this.name = 'InvalidApiKeyError';
  }
}

export class ModelNotAllowedError extends Error {
  constructor(readonly model: string) {
    super(`This API key is not allowed to use the model '${model.slice(0, 200)}'.`);
    this.name = 'ModelNotAllowedError';
  }
}

/** The key's own requests-per-minute limit (not the accounts' quota, which is `usage_limit_reached`). */
export class KeyRateLimitedError extends Error {
  constructor(
    readonly limit: number,
    readonly retryAfterSeconds: number,
  ) {
    super(`Rate limit reached for this API key: ${limit} requests per minute. Try again in ${retryAfterSeconds}s.`);
    this.name = 'KeyRateLimitedError';
  }
}

export class ApiKeyNotFoundError extends Error {
  constructor(id: string) {
    super(`Client key '${id.slice(0, 80)}' not found`);
    this.name = 'ApiKeyNotFoundError';
  }
}

export class ApiKeyReadOnlyError extends Error {
  constructor(id: string) {
    super(
      `Client key '${id}' is defined by PROXY_API_KEYS: change the environment variable and restart to edit or remove it`,
    );
    this.name = 'ApiKeyReadOnlyError';
  }
}

export const CLIENT_KEY_ERRORS: readonly ErrorRule[] = [
  [
    InvalidApiKeyError,
    () => ({
      status: 401,
      type: 'invalid_request_error',
      code: 'invalid_api_key',
      headers: { 'www-authenticate': 'Bearer' },
    }),
  ],
  [
    ModelNotAllowedError,
    () => ({ status: 403, type: 'invalid_request_error', code: 'model_not_allowed', param: 'model' }),
  ],
  [
    KeyRateLimitedError,
    (error: KeyRateLimitedError) => ({
      status: 429,
      type: 'requests',
      code: 'rate_limit_exceeded',
      headers: { 'retry-after': String(error.retryAfterSeconds) },
    }),
  ],
  [ApiKeyNotFoundError, 404],
  [ApiKeyReadOnlyError, 400],
];
