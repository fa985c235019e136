import type { ErrorRule } from '@mcp/errors';

// Domain errors of the accounts feature: plain classes; ACCOUNTS_ERRORS maps them for the global filter.

export class AccountNotFoundError extends Error {
  constructor(readonly accountId: string) {
    super(`Unknown account ${accountId}`);
    this.name = 'AccountNotFoundError';
  }
}

/** The account cannot get a token until an admin signs it in again (PROTOCOL §7.4 `auth`). */
export class NeedsReauthError extends Error {
  constructor(
    readonly accountId: string,
    reason?: string,
  ) {
    super(`Account ${accountId} needs a new login${reason ? `: ${reason}` : ''}`);
    this.name = 'NeedsReauthError';
  }
}

/** A refresh failed for a reason that may pass (5xx, network) and the current token is no longer valid. */
export class TokenRefreshError extends Error {
  constructor(
    readonly accountId: string,
    message: string,
  ) {
    super(`Token refresh for ${accountId} failed: ${message}`);
    this.name = 'TokenRefreshError';
  }
}

/** A quota probe or catalogue call that did not give a usable answer. */
export class UpstreamCallError extends Error {
  constructor(
    message: string,
    readonly status?: number,
  ) {
    super(message);
    this.name = 'UpstreamCallError';
  }
}

/** ENCRYPTION_KEY does not open accounts.json (or is missing for an encrypted file): boot must stop. */
export class EncryptionKeyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'EncryptionKeyError';
  }
}

/** The admin API's answers (PROTOCOL §11.2): an unknown id is 404, an upstream that failed us is 502. */
export const ACCOUNTS_ERRORS: readonly ErrorRule[] = [
  [AccountNotFoundError, 404],
  [NeedsReauthError, 502],
  [TokenRefreshError, 502],
  [UpstreamCallError, 502],
];
