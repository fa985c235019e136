/** Anthropic's error `type` values we answer with (PROTOCOL.md §14, last bullet). */
export type AnthropicErrorType =
  | 'invalid_request_error'
  | 'authentication_error'
  | 'permission_error'
  | 'not_found_error'
  | 'request_too_large'
  | 'rate_limit_error'
  | 'api_error'
  | 'overloaded_error';

/** `{"type":"error","error":{type,message},"request_id"}`, the body of every Anthropic error. */
export interface AnthropicErrorBody {
  type: 'error';
  error: { type: AnthropicErrorType; message: string };
  request_id: string | null;
}

export interface RenderedAnthropicError {
  status: number;
  body: AnthropicErrorBody;
}

/** The gateway's own status and error code, as the OpenAI surface would answer (§12.2). */
export interface GatewayErrorFacts {
  status: number;
  message: string;
  /** The OpenAI envelope's `code` (e.g. `upstream_unavailable`), when there is one. */
  code?: string | null;
  requestId?: string | null;
}

const TYPE_BY_STATUS: Record<number, AnthropicErrorType> = {
  400: 'invalid_request_error',
  401: 'authentication_error',
  403: 'permission_error',
  404: 'not_found_error',
  405: 'invalid_request_error',
  413: 'request_too_large',
  415: 'invalid_request_error',
  422: 'invalid_request_error',
  429: 'rate_limit_error',
  529: 'overloaded_error',
};

/** Anthropic's type for an HTTP status: 4xx by the table, 529 overloaded, any other 5xx `api_error`. */
export function anthropicErrorType(status: number): AnthropicErrorType {
  return TYPE_BY_STATUS[status] ?? (status >= 500 ? 'api_error' : 'invalid_request_error');
}

/** A pure renderer: status, type and message in, the status and body to send out. */
export function renderAnthropicError(
  status: number,
  type: AnthropicErrorType,
  message: string,
  requestId: string | null = null,
): RenderedAnthropicError {
  return { status, body: { type: 'error', error: { type, message }, request_id: requestId } };
}

/**
 * A gateway error in Anthropic's terms. Only transient upstream trouble (`upstream_unavailable`) becomes 529
 * `overloaded_error`, the status Anthropic clients retry with backoff; a missing account or a needed re-login stays
 * 503 (`api_error`), which retrying cannot fix quickly.
 */
export function anthropicErrorFor(facts: GatewayErrorFacts): RenderedAnthropicError {
  const status = facts.code === 'upstream_unavailable' ? 529 : facts.status;
  return renderAnthropicError(status, anthropicErrorType(status), facts.message, facts.requestId ?? null);
}

/** The in-stream error after the commit point: Anthropic's `event: error` frame. */
export function anthropicStreamErrorType(code: string | null | undefined): AnthropicErrorType {
  switch (code) {
    case 'server_is_overloaded':
    case 'slow_down':
      return 'overloaded_error';
    case 'rate_limit_exceeded':
    case 'usage_limit_reached':
    case 'insufficient_quota':
      return 'rate_limit_error';
    case 'context_length_exceeded':
    case 'invalid_prompt':
    case 'invalid_request_error':
      return 'invalid_request_error';
    default:
      return 'api_error';
  }
}
