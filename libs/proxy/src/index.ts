// The only door of @mcp/proxy.
export { ProxyModule } from './proxy.module';
export { InFlightRequests } from './in-flight-requests';
export { ResponsesWebSocketGateway, type WebSocketLimits, type WebSocketStats } from './websocket';
export { createV1BodyMiddleware, type V1BodyMiddleware } from './body/v1-body.middleware';
export { V1FastLane, type LaneErrorRenderer } from './http/v1-fast-lane';
export { OpenAiHttpError, renderOpenAiError } from './errors/openai-error';
export { OpenAiErrorSurface, openAiErrorOf, toOpenAiHttpError } from './errors/openai-surface';
export { ensureRequestId, markReceived, type ProxyRequest } from './request-context';
