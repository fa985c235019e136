// Responses over WebSocket (PROTOCOL.md §13.1), wired into ProxyModule.
import { SocketRequests } from './socket-requests';
import { ResponsesWebSocketGateway } from './websocket-gateway';

export const WEBSOCKET_PROVIDERS = [SocketRequests, ResponsesWebSocketGateway];
export { ResponsesWebSocketGateway } from './websocket-gateway';
export type { WebSocketLimits, WebSocketStats } from './socket-session';
