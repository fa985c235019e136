import type { ServerResponse } from 'node:http';

/** `content-type` of every JSON error envelope (what Express's `send(string)` used to add). */
export const JSON_UTF8 = 'application/json; charset=utf-8';

/**
 * A whole answer with Node's own API. The /v1 fast lane hands handlers a plain `ServerResponse` (no Express
 * prototype), and the same code serves Express-routed requests, whose response extends it.
 */
export function sendBytes(res: ServerResponse, status: number, contentType: string, body: string | Buffer): void {
  const payload = typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
  res.statusCode = status;
  res.setHeader('content-type', contentType);
  res.setHeader('content-length', payload.length);
  res.end(payload);
}
