import type { IncomingMessage, ServerResponse } from 'node:http';
import { Injectable } from '@nestjs/common';
import { ClientKeyGuard } from '@mcp/client-keys';
import { AppConfig } from '@mcp/config';
import { readV1Body } from '../body/v1-body.middleware';
import { renderOpenAiError } from '../errors/openai-error';
import { toOpenAiHttpError } from '../errors/openai-surface';
import { MessagesService } from '../anthropic/messages.service';
import { PoolHeadersMiddleware } from '../backend-api/pool-headers.middleware';
import { ProxyService } from '../proxy/proxy.service';
import { ensureRequestId, type ProxyRequest } from '../request-context';

type Handler = (req: ProxyRequest, res: ServerResponse) => Promise<void>;

/** A route: what Nest's route-scoped middleware did after the body read (`before`), then the handler. */
interface LaneRoute {
  handle: Handler;
  before?: (req: ProxyRequest, res: ServerResponse) => void;
}

/** Renders an error thrown before a handler took over (the app wires the global filter in). */
export type LaneErrorRenderer = (error: unknown, req: IncomingMessage, res: ServerResponse) => void;

/**
 * The proxied POST routes straight from Node's `request` event (issue 20: the Express router and Nest's per-request
 * pipeline were ~0.17 ms of a ~0.8 ms request). It does what that pipeline did for these routes, in the same order:
 * request id, body (the /v1 body middleware's reader), route middleware, ClientKeyGuard's check, then the same handler;
 * an error before the handler goes to the global filter, as it would have. Exact paths only (query allowed):
 * anything else (other methods, trailing slashes, other casing) still takes the Express route, which answers alike.
 */
@Injectable()
export class V1FastLane {
  private readonly routes: ReadonlyMap<string, LaneRoute>;
  private readonly bodyLimit: number;
  private renderError: LaneErrorRenderer = (error, req, res) =>
    renderOpenAiError(res, toOpenAiHttpError(error), (req as ProxyRequest).requestId);

  constructor(
    proxy: ProxyService,
    private readonly guard: ClientKeyGuard,
    config: AppConfig,
    messages: MessagesService,
    poolHeaders: PoolHeadersMiddleware,
  ) {
    this.bodyLimit = config.requestBodyLimitBytes;
    const responses: LaneRoute = { handle: (req, res) => proxy.responses(req, res) };
    const compact: LaneRoute = { handle: (req, res) => proxy.compact(req, res) };
    const chat: LaneRoute = { handle: (req, res) => proxy.chat(req, res) };
    // Codex's own prefix (§13.2) answers with the pool's x-codex-* headers, set before the guard as before.
    const withPool = (route: LaneRoute): LaneRoute => ({
      ...route,
      before: (req, res) => poolHeaders.use(req, res, () => undefined),
    });
    this.routes = new Map([
      ['/v1/responses', responses],
      ['/responses', responses],
      ['/v1/responses/compact', compact],
      ['/responses/compact', compact],
      ['/v1/chat/completions', chat],
      ['/chat/completions', chat],
      ['/backend-api/codex/responses', withPool(responses)],
      ['/backend-api/codex/responses/compact', compact],
      // Anthropic Messages (§14): body and guard errors take Anthropic's envelope by path, as on the Nest route.
      ['/v1/messages', { handle: (req, res) => proxy.serve(messages.surface(), req, res) }],
    ]);
  }

  /** Errors outside the handlers (a bad key, a rate limit) in the envelope the rest of the app uses. */
  renderErrorsWith(render: LaneErrorRenderer): void {
    this.renderError = render;
  }

  /** Serves `req` when it is one of the lane's routes; false leaves it to Express. */
  take(req: IncomingMessage, res: ServerResponse): boolean {
    if (req.method !== 'POST') return false;
    const url = req.url ?? '';
    const query = url.indexOf('?');
    const route = this.routes.get(query === -1 ? url : url.slice(0, query));
    if (!route) return false;
    void this.serve(route, req as ProxyRequest, res);
    return true;
  }

  private async serve(route: LaneRoute, req: ProxyRequest, res: ServerResponse): Promise<void> {
    try {
      ensureRequestId(req, res);
      if (!(await readV1Body(req, res, this.bodyLimit))) return;
      route.before?.(req, res);
      await this.guard.authorize(req);
      await route.handle(req, res);
    } catch (error) {
      this.renderFailure(error, req, res);
    }
  }

  /** Nothing may escape: this promise has no caller to reject to, and an unhandled rejection ends the process. */
  private renderFailure(error: unknown, req: ProxyRequest, res: ServerResponse): void {
    try {
      this.renderError(error, req, res);
    } catch {
      if (!res.writableEnded) res.destroy();
    }
  }
}
