import type { ErrorRule } from '@mcp/errors';

// Domain errors of the OAuth feature, each a message a person can act on; OAUTH_ERRORS maps them for the global filter.

export class FlowNotFoundError extends Error {
  constructor(flowId: string) {
    super(`Unknown login attempt ${flowId}: start a new login`);
    this.name = 'FlowNotFoundError';
  }
}

export class FlowExpiredError extends Error {
  constructor() {
    super('This login attempt has expired: start a new login');
    this.name = 'FlowExpiredError';
  }
}

/** The flow already finished (success or failure) and cannot be completed again. */
export class FlowClosedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'FlowClosedError';
  }
}

/** The pasted input or the request does not fit the flow (400). */
export class OAuthInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'OAuthInputError';
  }
}

/** The auth server refused or failed (502): status and reason, never a secret. */
export class OAuthUpstreamError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'OAuthUpstreamError';
  }
}

/** PROTOCOL §8.1, §11.3. An unknown account id is accounts' AccountNotFoundError (404), mapped there. */
export const OAUTH_ERRORS: readonly ErrorRule[] = [
  [OAuthInputError, 400],
  [FlowNotFoundError, 404],
  [FlowClosedError, 409],
  [FlowExpiredError, 410],
  [OAuthUpstreamError, 502],
];
