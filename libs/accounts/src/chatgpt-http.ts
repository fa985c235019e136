import { Injectable, OnApplicationShutdown } from '@nestjs/common';
import { Agent, type Dispatcher, request } from 'undici';
import { AppConfig } from '@mcp/config';
import { HEADERS, JSON_CONTENT_TYPE, ORIGINATOR } from '@mcp/codex';
import { UpstreamCallError } from './errors';
import { tryParseJson } from '@mcp/codex';

const CONNECT_TIMEOUT_MS = 10_000;
const KEEP_ALIVE_MS = 30_000;
const CLOSE_GRACE_MS = 2_000;

export interface UpstreamJsonResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  /** Parsed JSON, or undefined when the body is not JSON. */
  body: unknown;
  /** The raw body text, for error messages. */
  text: string;
}

export interface CallOptions {
  timeoutMs: number;
  signal?: AbortSignal;
  headers?: Record<string, string>;
}

/** The account side of an upstream call: its bearer token and workspace. */
export interface AccountAuth {
  accessToken: string;
  chatgptAccountId?: string;
}

/**
 * Every call to chatgpt.com and auth.openai.com goes through one keep-alive pool.
 * The proxy's streaming client uses `dispatcher` directly so it shares the same connections.
 */
@Injectable()
export class ChatgptHttp implements OnApplicationShutdown {
  readonly dispatcher: Agent;

  constructor(private readonly config: AppConfig) {
    this.dispatcher = new Agent({
      connect: { timeout: CONNECT_TIMEOUT_MS },
      keepAliveTimeout: KEEP_ALIVE_MS,
      headersTimeout: config.upstreamHeadersTimeoutMs,
      bodyTimeout: config.upstreamIdleTimeoutMs,
    });
  }

  /** The account and Codex CLI identity headers of PROTOCOL §2.1 (without content-type). */
  accountHeaders(auth: AccountAuth, accept: string = JSON_CONTENT_TYPE): Record<string, string> {
    const version = this.config.modelsClientVersion;
    const headers: Record<string, string> = {
      [HEADERS.authorization]: `Bearer ${auth.accessToken}`,
      [HEADERS.accept]: accept,
      [HEADERS.originator]: ORIGINATOR,
      [HEADERS.userAgent]: `${ORIGINATOR}/${version}`,
      [HEADERS.version]: version,
    };
    if (auth.chatgptAccountId) headers[HEADERS.accountId] = auth.chatgptAccountId;
    return headers;
  }

  /** Absolute URL of a path on CHATGPT_BASE_URL. */
  upstreamUrl(path: string): string {
    return `${this.config.chatgptBaseUrl}${path}`;
  }

  /** GET a JSON resource of the ChatGPT backend as an account. */
  getAsAccount(path: string, auth: AccountAuth, options: CallOptions): Promise<UpstreamJsonResponse> {
    return this.call(this.upstreamUrl(path), 'GET', undefined, {
      ...options,
      headers: { ...this.accountHeaders(auth), ...options.headers },
    });
  }

  postJson(url: string, body: unknown, options: CallOptions): Promise<UpstreamJsonResponse> {
    return this.call(url, 'POST', JSON.stringify(body), {
      ...options,
      headers: { [HEADERS.contentType]: JSON_CONTENT_TYPE, [HEADERS.accept]: JSON_CONTENT_TYPE, ...options.headers },
    });
  }

  postForm(url: string, fields: Record<string, string>, options: CallOptions): Promise<UpstreamJsonResponse> {
    return this.call(url, 'POST', new URLSearchParams(fields).toString(), {
      ...options,
      headers: {
        [HEADERS.contentType]: 'application/x-www-form-urlencoded',
        [HEADERS.accept]: JSON_CONTENT_TYPE,
        ...options.headers,
      },
    });
  }

  async onApplicationShutdown(): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const grace = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), CLOSE_GRACE_MS)));
    const outcome = await Promise.race([this.dispatcher.close().then(() => 'closed' as const), grace]);
    clearTimeout(timer);
    if (outcome === 'timeout') await this.dispatcher.destroy();
  }

  private async call(
    url: string,
    method: Dispatcher.HttpMethod,
    body: string | undefined,
    options: CallOptions,
  ): Promise<UpstreamJsonResponse> {
    const timeout = AbortSignal.timeout(options.timeoutMs);
    const signal = options.signal ? AbortSignal.any([timeout, options.signal]) : timeout;
    try {
      const response = await request(url, {
        method,
        body,
        headers: options.headers,
        dispatcher: this.dispatcher,
        signal,
      });
      const text = await response.body.text();
      return { status: response.statusCode, headers: response.headers, body: tryParseJson(text), text };
    } catch (error) {
      if (timeout.aborted) throw new UpstreamCallError(`${describe(url)} timed out after ${options.timeoutMs} ms`);
      if (options.signal?.aborted) throw new UpstreamCallError(`${describe(url)} was cancelled`);
      throw new UpstreamCallError(`${describe(url)} failed: ${(error as Error).message}`);
    }
  }
}

/** Host and path only: a query string could hold a code or a state. */
function describe(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.host}${parsed.pathname}`;
  } catch {
    return 'upstream call';
  }
}
