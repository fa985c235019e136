import type { IncomingHttpHeaders } from 'node:http';
import { Readable } from 'node:stream';
import { Injectable } from '@nestjs/common';
import { request, type Dispatcher } from 'undici';
import { ChatgptHttp } from '@mcp/accounts';
import { AppConfig } from '@mcp/config';
import { COMPACTION, HEADERS, JSON_CONTENT_TYPE, SSE_CONTENT_TYPE, codexIdentityHeaders } from '@mcp/codex';

export interface UpstreamCall {
  accessToken: string;
  chatgptAccountId?: string;
  body: unknown;
  sessionKey?: string;
  compact: boolean;
  signal: AbortSignal;
  /** Codex's `x-codex-beta-features` (§13.3): the one client header besides the session that travels upstream. */
  betaFeatures?: string;
}

export interface UpstreamResponse {
  status: number;
  headers: IncomingHttpHeaders;
  body: Dispatcher.ResponseData['body'];
}

const ERROR_BODY_MAX = 64 * 1024;

/** The one place that talks to the Codex backend's inference endpoints (PROTOCOL.md §2.1, §2.5). */
@Injectable()
export class UpstreamClient {
  private readonly inferenceUrl: string;
  private readonly compactUrl: string;
  private readonly identity: Record<string, string>;

  constructor(
    private readonly config: AppConfig,
    private readonly http: ChatgptHttp,
  ) {
    this.inferenceUrl = `${config.chatgptBaseUrl}${config.upstreamPath}`;
    this.compactUrl = `${config.chatgptBaseUrl}${config.upstreamCompactPath}`;
    this.identity = codexIdentityHeaders(config.modelsClientVersion);
  }

  /** Sends one attempt; resolves once response headers arrive (bodies stay unread for the caller). */
  async send(call: UpstreamCall): Promise<UpstreamResponse> {
    const payload = Buffer.from(JSON.stringify(call.body), 'utf8');
    const headers = this.headersFor(call);
    headers['content-length'] = String(payload.length);
    const response = await request(call.compact ? this.compactUrl : this.inferenceUrl, {
      method: 'POST',
      headers,
      body: bodyReleasedOnceSent(payload),
      dispatcher: this.http.dispatcher,
      signal: call.signal,
      headersTimeout: this.config.upstreamHeadersTimeoutMs,
      bodyTimeout: this.config.upstreamIdleTimeoutMs,
    });
    return { status: response.statusCode, headers: response.headers, body: response.body };
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
 * The request body as a stream that lets go of its bytes once undici has read them: a string or Buffer body would
 * stay referenced until the response ends, which for a stream of a 40 KB Codex request can be minutes.
 */
function bodyReleasedOnceSent(payload: Buffer): Readable {
  let pending: Buffer | undefined = payload;
  return new Readable({
    read() {
      if (pending !== undefined) this.push(pending);
      pending = undefined;
      this.push(null);
    },
  });
}

/** Reads at most 64 KB of an error body as text, then releases the connection. */
export async function readErrorBody(body: Dispatcher.ResponseData['body']): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of body) {
      const buf = chunk as Buffer;
      chunks.push(buf);
      size += buf.length;
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
export async function readWholeBody(body: Dispatcher.ResponseData['body'], limit: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    const buf = chunk as Buffer;
    size += buf.length;
    if (size > limit) {
      body.destroy();
      throw new Error(`Upstream reply is larger than ${limit} bytes`);
    }
    chunks.push(buf);
  }
  return Buffer.concat(chunks, size);
}
