import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { Injectable, Logger, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { WebSocketServer } from 'ws';
import { bearerToken, headerValue } from '@mcp/admin-auth';
import { ApiKeysService, InvalidApiKeyError } from '@mcp/client-keys';
import { AppConfig } from '@mcp/config';
import { sessionKeyOf } from '@mcp/codex';
import { CodexCatalogueService } from '../backend-api/codex-catalogue.service';
import { PoolUsageService } from '../backend-api/pool-usage.service';
import { ConversationBudget } from './conversation-budget';
import { CHATGPT_SHAPED_PATH, SocketRequests, socketErrorOf } from './socket-requests';
import {
  CLOSE_SHUTDOWN,
  DEFAULT_WEBSOCKET_LIMITS,
  SocketSession,
  type WebSocketLimits,
  type WebSocketStats,
} from './socket-session';

/** Where Responses over WebSocket is served (§13.1): the /v1 surface, its root alias, the ChatGPT-shaped prefix. */
const WEBSOCKET_PATHS = new Set(['/v1/responses', '/responses', '/backend-api/codex/responses']);

/**
 * Responses over WebSocket (PROTOCOL.md §13.1) on the Nest HTTP server's `upgrade` event: the client key checked
 * as for HTTP (401 otherwise), 426 where WebSockets are off or the path has none (Codex falls back to HTTP at once
 * only on 426), then one SocketSession per socket. Shutdown closes every socket with 1001.
 */
@Injectable()
export class ResponsesWebSocketGateway implements OnApplicationBootstrap, BeforeApplicationShutdown {
  /** Per-socket limits; specs shorten them before opening sockets. */
  limits: WebSocketLimits = { ...DEFAULT_WEBSOCKET_LIMITS };
  readonly stats: WebSocketStats = { connections: 0, requests: 0, prewarms: 0, continued: 0 };
  private readonly logger = new Logger('WebSocket');
  private readonly sessions = new Set<SocketSession>();
  private wss: WebSocketServer | undefined;
  private server: Server | undefined;
  private readonly onUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer): void =>
    this.upgrade(req, socket, head);

  constructor(
    private readonly adapterHost: HttpAdapterHost,
    private readonly requests: SocketRequests,
    private readonly keys: ApiKeysService,
    private readonly catalogue: CodexCatalogueService,
    private readonly poolUsage: PoolUsageService,
    private readonly config: AppConfig,
  ) {}

  /** Open sockets right now (for specs and the shutdown log). */
  get openSockets(): number {
    return this.sessions.size;
  }

  /** What every socket remembers together, within `limits.maxRememberedBytesTotal` as it is at each answer. */
  readonly conversations = new ConversationBudget(() => this.limits.maxRememberedBytesTotal);

  onApplicationBootstrap(): void {
    const server = this.adapterHost.httpAdapter?.getHttpServer() as Server | undefined;
    if (!server) return;
    this.server = server;
    this.wss = new WebSocketServer({ noServer: true, maxPayload: this.config.requestBodyLimitBytes });
    server.on('upgrade', this.onUpgrade);
  }

  /** Before the HTTP server closes: it would wait for upgraded sockets forever otherwise. */
  beforeApplicationShutdown(): void {
    this.server?.off('upgrade', this.onUpgrade);
    for (const session of this.sessions) session.close(CLOSE_SHUTDOWN.code, CLOSE_SHUTDOWN.reason);
    this.sessions.clear();
    this.wss?.close();
  }

  private upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const path = new URL(req.url ?? '/', 'http://gateway.local').pathname.replace(/(.)\/+$/, '$1');
    if (!this.config.websocketsEnabled || !WEBSOCKET_PATHS.has(path) || !this.wss) {
      const why = this.config.websocketsEnabled
        ? `WebSockets are not served on ${path}: use /v1/responses or /backend-api/codex/responses, or HTTP.`
        : 'WebSockets are switched off on this gateway (WEBSOCKETS_ENABLED=false): use HTTP.';
      return refuse(socket, 426, { message: why, type: 'invalid_request_error', code: 'upgrade_required' });
    }
    if (this.keys.required && !this.presentsValidKey(req)) {
      const presented = Boolean(bearerToken(req.headers) ?? headerValue(req.headers, 'x-api-key'));
      const error = socketErrorOf(new InvalidApiKeyError(presented));
      return refuse(
        socket,
        error.status,
        { message: error.message, type: error.type, code: error.code ?? '' },
        {
          'www-authenticate': 'Bearer',
        },
      );
    }
    const extra = this.handshakeHeaders(path, req);
    const addHeaders = (headers: string[]): void => {
      for (const [name, value] of Object.entries(extra)) headers.push(`${name}: ${value}`);
    };
    // 'headers' fires synchronously inside handleUpgrade, so this listener only sees this upgrade.
    this.wss.on('headers', addHeaders);
    try {
      this.wss.handleUpgrade(req, socket, head, (ws) => {
        const info = { path, headers: req.headers };
        const session = new SocketSession(ws, info, this.requests, this.limits, this.stats, this.conversations);
        this.sessions.add(session);
        ws.on('close', () => this.sessions.delete(session));
      });
    } finally {
      this.wss.off('headers', addHeaders);
    }
  }

  /**
   * On the ChatGPT-shaped path the 101 carries what the backend's would: `x-models-etag` of the catalogue served at
   * `/backend-api/codex/models` (Codex refreshes its picker when it changes) and the pool's `x-codex-*` windows.
   */
  private handshakeHeaders(path: string, req: IncomingMessage): Record<string, string> {
    if (path !== CHATGPT_SHAPED_PATH) return {};
    try {
      return {
        'x-models-etag': this.catalogue.catalogue().etag,
        ...this.poolUsage.headersFor({ sessionKey: sessionKeyOf({}, req.headers) }),
      };
    } catch (error) {
      this.logger.warn(`No pool headers on the upgrade: ${(error as Error).message}`);
      return {};
    }
  }

  private presentsValidKey(req: IncomingMessage): boolean {
    const presented = [bearerToken(req.headers), headerValue(req.headers, 'x-api-key')];
    return presented.some((key) => typeof key === 'string' && key !== '' && this.keys.verify(key) !== undefined);
  }
}

/** An upgrade refused with a plain HTTP answer in the OpenAI envelope. */
function refuse(
  socket: Duplex,
  status: number,
  error: { message: string; type: string; code: string },
  headers: Record<string, string> = {},
): void {
  const body = JSON.stringify({ error: { ...error, param: null } });
  const reason = status === 426 ? 'Upgrade Required' : status === 401 ? 'Unauthorized' : 'Refused';
  const lines = [
    `HTTP/1.1 ${status} ${reason}`,
    'content-type: application/json',
    `content-length: ${Buffer.byteLength(body)}`,
    'connection: close',
    ...Object.entries(headers).map(([name, value]) => `${name}: ${value}`),
  ];
  socket.end(`${lines.join('\r\n')}\r\n\r\n${body}`);
}
