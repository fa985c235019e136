export type ClientErrorCode = 'invalid_request_error' | 'unsupported_parameter' | 'invalid_value' | (string & {});

export interface ClientRequestErrorOptions {
  status?: number;
  code?: ClientErrorCode | null;
  param?: string | null;
}

/**
 * A request we refuse before calling upstream (PROTOCOL.md §12.2, first row). The global filter renders it as
 * `{error:{message, type:"invalid_request_error", code, param}}` with `status`.
 */
export class ClientRequestError extends Error {
  readonly status: number;
  readonly code: ClientErrorCode | null;
  readonly param: string | null;
  readonly type = 'invalid_request_error';

  constructor(message: string, options: ClientRequestErrorOptions = {}) {
    super(message);
    this.name = 'ClientRequestError';
    this.status = options.status ?? 400;
    this.code = options.code === undefined ? 'invalid_request_error' : options.code;
    this.param = options.param ?? null;
  }
}
