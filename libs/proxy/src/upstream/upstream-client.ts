import { Injectable } from '@nestjs/common';
import type { Dispatcher } from 'undici';
import { ChatgptHttp } from '@mcp/accounts';
import { AppConfig } from '@mcp/config';
import {
  COMPACTION,
  HEADERS,
  JSON_CONTENT_TYPE,
  SSE_CONTENT_TYPE,
  codexIdentityHeaders,
  stringifyWithSource,
  type JsonObject,
  type SourceText,
} from '@mcp/codex';
import type { UpstreamBody } from './upstream-body';
import { ReleasedOnceSent, UpstreamExchange, type UpstreamResponse } from './upstream-exchange';

export type { UpstreamResponse } from './upstream-exchange';

export interface UpstreamCall {
  accessToken: string;
  chatgptAccountId?: string;
  body: JsonObject;
  /** The client's text of the request `body` was normalised from (see SourceText). */
  source?: SourceText;
  sessionKey?: string;
  compact: boolean;
  signal: AbortSignal;
  /** Codex's `x-codex-beta-features` (§13.3): the one client header besides the session that travels upstream. */
  betaFeatures?: string;
}

const ERROR_BODY_MAX = 64 * 1024;
/** Request bodies up to this size may stay referenced for a stream's lifetime: ≤ 4 MB for 1,000 open streams. */
export const RETAINED_BODY_MAX = 4 * 1024;

/** Where a request goes, split once for undici's dispatch (origin and path). */
interface Target {
  origin: string;
  path: string;
}

/**
 * The one place that talks to the Codex backend's inference endpoints (PROTOCOL.md §2.1, §2.5). It dispatches on
 * the shared keep-alive pool with its own handler instead of undici's `request()`: no Readable on either side, no
 * per-request stream piping, and the response body is a plain async iterable (UpstreamBody).
 */
@Injectable()
export class UpstreamClient {
  private readonly inference: Target;
  private readonly compact: Target;
  private readonly identity: Record<string, string>;

  constructor(
    private readonly config: AppConfig,
    private readonly http: ChatgptHttp,
  ) {
    this.inference = targetOf(`${config.chatgptBaseUrl}${config.upstreamPath}`);
    this.compact = targetOf(`${config.chatgptBaseUrl}${config.upstreamCompactPath}`);
    this.identity = codexIdentityHeaders(config.modelsClientVersion);
  }

  /** Sends one attempt; resolves once response headers arrive (bodies stay unread for the caller). */
  send(call: UpstreamCall): Promise<UpstreamResponse> {
    const signal = call.signal;
    if (signal.aborted) return Promise.reject(signal.reason ?? new Error('The request was aborted'));
    const payload = stringifyWithSource(call.body, call.source);
    const headers = this.headersFor(call);
    headers['content-length'] = String(payload.length);
    const target = call.compact ? this.compact : this.inference;
    return new Promise<UpstreamResponse>((resolve, reject) => {
      const exchange = new UpstreamExchange(signal, resolve, reject);
      this.http.dispatcher.dispatch(
        {
          origin: target.origin,
          path: target.path,
          method: 'POST',
          headers,
          body: requestBody(payload),
          headersTimeout: this.config.upstreamHeadersTimeoutMs,
          bodyTimeout: this.config.upstreamIdleTimeoutMs,
        },
        exchange,
      );
    });
  }

  /** Only our headers: the client's authorization, cookies and hop-by-hop headers never travel upstream. */
  private headersFor(call: UpstreamCall): Record<string, string> {
    const headers: Record<string, string> = {
      [HEADERS.authorization]: `Bearer ${call.accessToken}`,
      [HEADERS.contentType]: JSON_CONTENT_TYPE,
      [HEADERS.accept]: call.compact ? JSON_CONTENT_TYPE : SSE_CONTENT_TYPE,
      ...this.identity,
    };
    if (call.chatgptAccountId) headers[HEADERS.accountId] = call.chatgptAccountId;
    if (call.sessionKey) headers[HEADERS.sessionId] = call.sessionKey;
    if (call.betaFeatures) headers[COMPACTION.betaHeader] = call.betaFeatures;
    return headers;
  }
}

/**
 * A small body goes as the Buffer itself (undici's cheapest path: one corked write); a larger one as an iterable that
 * lets go of it once written, since undici keeps a Buffer body until the response ends, minutes for a stream.
 */
function requestBody(payload: Buffer): Dispatcher.DispatchOptions['body'] {
  if (payload.length <= RETAINED_BODY_MAX) return payload;
  // Iterable bodies are documented (Dispatcher.md, DispatchOptions.body) but missing from undici's typings.
  return new ReleasedOnceSent(payload) as unknown as Dispatcher.DispatchOptions['body'];
}

function targetOf(url: string): Target {
  const parsed = new URL(url);
  return { origin: parsed.origin, path: `${parsed.pathname}${parsed.search}` };
}

/** Reads at most 64 KB of an error body as text, then releases the connection. */
export async function readErrorBody(body: UpstreamBody): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of body) {
      chunks.push(chunk);
      size += chunk.length;
      if (size >= ERROR_BODY_MAX) break;
    }
  } catch {
    // a reset while reading an error body leaves whatever arrived
  } finally {
    if (!body.destroyed) body.destroy();
  }
  return Buffer.concat(chunks).subarray(0, ERROR_BODY_MAX).toString('utf8');
}

/** Reads a whole (compact) JSON reply, bounded like any /v1 body. */
export async function readWholeBody(body: UpstreamBody, limit: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    size += chunk.length;
    if (size > limit) {
      body.destroy();
      throw new Error(`Upstream reply is larger than ${limit} bytes`);
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks, size);
}
