// The only door of @mcp/client-keys: keys for the client surfaces (PROTOCOL.md §12.4), their guard and limits.
export { ClientKeysModule, isLoopbackHost } from './client-keys.module';
export { ApiKeysService, LAST_USED_FLUSH_MS } from './api-keys.service';
export { ClientKeyGuard } from './client-key.guard';
export { MemoryRpmLimiter, RPM_WINDOW_MS, RpmLimiter } from './rpm-limiter';
export type { ClientKeyRequest } from './client-key.guard';
export { ApiKeyRepository, FileApiKeyRepository } from './api-key.repository';
export {
  ApiKeyNotFoundError,
  ApiKeyReadOnlyError,
  CLIENT_KEY_ERRORS,
  InvalidApiKeyError,
  KeyRateLimitedError,
  ModelNotAllowedError,
} from './client-key.errors';
export type { KeyMatch, StoredApiKey, ApiKeysDocument } from './api-key.types';
