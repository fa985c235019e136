// The only door of @mcp/accounts.
export { type Account, accountStatus, emptyState, toAccountView } from './account';
export { AccountRepository } from './account.repository';
export { type AccountsDocument, FileAccountRepository } from './file-account.repository';
export { type AccountPatch, AccountsService } from './accounts.service';
export type { RefreshedTokens, TokenInput, UpsertResult } from './account-tokens';
export { nextUsage, reconcileBlocks } from './account-usage';
export { AccountsAdminService } from './accounts-admin.service';
export { AccountsModule } from './accounts.module';
export { type AccountAuth, type CallOptions, ChatgptHttp, type UpstreamJsonResponse } from './chatgpt-http';
export {
  ACCOUNTS_ERRORS,
  AccountNotFoundError,
  EncryptionKeyError,
  NeedsReauthError,
  TokenRefreshError,
  UpstreamCallError,
} from './errors';
export { type CatalogModel, toModelView } from './model-catalog';
export { ModelCatalogService } from './model-catalog.service';
export { describeTokenFailure, oauthError, type OAuthErrorInfo, parseTokenResponse } from './oauth-tokens';
export { ENCRYPTED_PREFIX, TokenCipher, hasEncryptedToken, isEncrypted, mapTokens } from './token-cipher';
export { type RefreshListener, type RefreshOutcome, TokenEvents } from './token-events';
export { TokenService } from './token.service';
export { type ProbeAllResult, UsageProbeService } from './usage-probe.service';
export {
  CatalogueShare,
  LocalCatalogueShare,
  LocalRefreshCoordinator,
  RefreshCoordinator,
  type SharedCatalogue,
} from './shared-store-ports';
