// Client keys for /v1 (PROTOCOL.md §12.4): the door the rest of libs/proxy imports from.
export { ClientKeysModule, isLoopbackHost } from './client-keys.module';
export { ApiKeysService, LAST_USED_FLUSH_MS } from './api-keys.service';
export { ClientKeyGuard } from './client-key.guard';
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
