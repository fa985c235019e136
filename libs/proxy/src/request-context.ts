import { performance } from 'node:perf_hooks';
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';

/** What the gateway attaches to an incoming /v1 request as it passes the middleware and guard. */
export interface ProxyRequest extends IncomingMessage {
  /** The parsed JSON body (the /v1 body middleware or the fast lane sets it). */
  body?: unknown;
  /** Express's original URL, when Express routed the request; the fast lane leaves `url` as it came. */
  originalUrl?: string;
  /** The trace id, also sent back as `x-request-id`. */
  requestId?: string;
  /** Set by ClientKeyGuard: which client key was used (never the key itself). */
  clientKeyId?: string;
  /**
   * performance.now() when Node handed the request over (its head parsed, before Express, Nest and the body read):
   * the trace's clock. The /v1 body middleware starts it too, for apps built without createApp's listener.
   */
  receivedAt?: number;
  /**
   * The decoded JSON text `body` was parsed from (set by the /v1 body middleware): a trace can keep this text
   * instead of serialising the parsed body again.
   */
  bodyText?: string;
}

/** Starts the request's clock (first call wins): the overhead header and the trace's timings count from here. */
export function markReceived(req: object): void {
  (req as ProxyRequest).receivedAt ??= performance.now();
}

/** The request's trace id, created on first use and echoed in `x-request-id` while headers can still be set. */
export function ensureRequestId(req: IncomingMessage, res: ServerResponse): string {
  const proxyReq = req as ProxyRequest;
  proxyReq.requestId ??= randomUUID();
  if (!res.headersSent) res.setHeader('x-request-id', proxyReq.requestId);
  return proxyReq.requestId;
}

/** One header value: the first when repeated, trimmed; undefined when absent or blank. */
export function headerText(req: IncomingMessage, name: string): string | undefined {
  const raw = req.headers[name.toLowerCase()];
  const value = Array.isArray(raw) ? raw[0] : raw;
  const trimmed = value?.trim();
  return trimmed ? trimmed : undefined;
}
