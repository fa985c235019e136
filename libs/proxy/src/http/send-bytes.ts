import type { ServerResponse } from 'node:http';

/** `content-type` of every JSON error envelope (what Express's `send(string)` used to add). */
export const JSON_UTF8 = 'application/json; charset=utf-8';

/**
 * A whole answer with Node's own API. The /v1 fast lane hands handlers a plain `ServerResponse` (no Express
 * prototype), and the same code serves Express-routed requests, whose response extends it.
 */
export function sendBytes(res: ServerResponse, status: number, contentType: string, body: string | Buffer): void {
  res.statusCode = status;
  res.setHeader('content-type', contentType);
  // A string goes to the socket as it is (Node joins it to the header text and encodes it in the write): no Buffer
  // copy per answer, and none left for the GC once an answer queued behind a slow reader outlives a scavenge.
  res.setHeader('content-length', typeof body === 'string' ? Buffer.byteLength(body, 'utf8') : body.length);
  res.end(body);
}
