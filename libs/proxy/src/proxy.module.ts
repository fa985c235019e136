import { MiddlewareConsumer, Module, NestModule } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import { AccountsModule } from '@mcp/accounts';
import { RoutingModule } from '@mcp/routing';
import { errorTable } from '@mcp/errors';
import { TracingModule } from '@mcp/tracing';
import { Clock } from '@mcp/config';
import { ANTHROPIC_CONTROLLERS, ANTHROPIC_PROVIDERS } from './anthropic';
import { AttemptLoop } from './attempts/attempt-loop';
import {
  BACKEND_API_CONTROLLERS,
  BACKEND_API_FALLBACK,
  BACKEND_API_PROVIDERS,
  POOL_HEADER_ROUTES,
  PoolHeadersMiddleware,
} from './backend-api';
import { ClientKeysModule } from '@mcp/client-keys';
import { OpenAiErrorSurface, PROXY_ERROR_RULES } from './errors/openai-surface';
import { ChatController } from './http/chat.controller';
import { ModelsController } from './http/models.controller';
import { ModelsService } from './http/models.service';
import { ResponsesController } from './http/responses.controller';
import { V1FallbackController } from './http/v1-fallback.controller';
import { V1FastLane } from './http/v1-fast-lane';
import { InFlightRequests } from './in-flight-requests';
import { ProxyService } from './proxy/proxy.service';
import { StreamOutcomes } from './proxy/stream-outcomes';
import { ItemReferences } from './references/item-references';
import { ensureRequestId } from './request-context';
import { UpstreamClient } from './upstream/upstream-client';
import { WEBSOCKET_PROVIDERS } from './websocket';

/** Every /v1 answer (root aliases included) carries x-request-id, errors and models listings too. */
function requestIdMiddleware(req: Request, res: Response, next: NextFunction): void {
  ensureRequestId(req, res);
  next();
}

/** The OpenAI-compatible API: /v1 routes and root aliases, the attempt loop, the relays (PROTOCOL.md §2–5, §7.5, §12). */
@Module({
  imports: [AccountsModule, RoutingModule, TracingModule, ClientKeysModule],
  // The fallback controller comes last so its catch-all /v1 route never shadows a real one.
  controllers: [
    ModelsController,
    ResponsesController,
    ChatController,
    ...BACKEND_API_CONTROLLERS,
    ...ANTHROPIC_CONTROLLERS,
    V1FallbackController,
    BACKEND_API_FALLBACK,
  ],
  providers: [
    UpstreamClient,
    AttemptLoop,
    StreamOutcomes,
    // A factory: the constructor's optional bounds are for specs, not for injection.
    { provide: ItemReferences, useFactory: (clock: Clock) => new ItemReferences(clock), inject: [Clock] },
    ProxyService,
    V1FastLane,
    ModelsService,
    InFlightRequests,
    ...BACKEND_API_PROVIDERS,
    ...ANTHROPIC_PROVIDERS,
    ...WEBSOCKET_PROVIDERS,
    OpenAiErrorSurface,
    errorTable('proxy', PROXY_ERROR_RULES),
  ],
  exports: [InFlightRequests, ClientKeysModule, V1FastLane],
})
export class ProxyModule implements NestModule {
  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(PoolHeadersMiddleware).forRoutes(...POOL_HEADER_ROUTES);
    consumer
      .apply(requestIdMiddleware)
      .forRoutes(
        ModelsController,
        ResponsesController,
        ChatController,
        V1FallbackController,
        ...BACKEND_API_CONTROLLERS,
        BACKEND_API_FALLBACK,
        ...ANTHROPIC_CONTROLLERS,
      );
  }
}
