// The ChatGPT-shaped surface (PROTOCOL.md §13.2, §13.4), wired into ProxyModule.
import { RequestMethod } from '@nestjs/common';
import { BackendApiFallbackController } from './backend-api-fallback.controller';
import { CodexCatalogueService } from './codex-catalogue.service';
import { CodexPrefixController } from './codex-prefix.controller';
import { PoolUsageController } from './pool-usage.controller';
import { PoolUsageService } from './pool-usage.service';
import { PoolHeadersMiddleware } from './pool-headers.middleware';

export const BACKEND_API_CONTROLLERS = [CodexPrefixController, PoolUsageController];
/** Registered after every real route, like the /v1 fallback. */
export const BACKEND_API_FALLBACK = BackendApiFallbackController;
// PoolHeadersMiddleware is a provider too: the /v1 fast lane calls it for the routes it serves itself.
export const BACKEND_API_PROVIDERS = [CodexCatalogueService, PoolUsageService, PoolHeadersMiddleware];
export type { WhamUsage, PoolExtension, PoolWindowSummary, WhamWindow } from './pool-usage';
export type { CodexCatalogue } from './codex-catalogue.service';
export { PoolHeadersMiddleware };
/** Where answers carry the pool's `x-codex-*` headers: Codex's inference route under the ChatGPT-shaped prefix. */
export const POOL_HEADER_ROUTES = [{ path: 'backend-api/codex/responses', method: RequestMethod.POST }];
