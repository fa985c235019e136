import type { AccountAuth, CallOptions, ChatgptHttp, UpstreamJsonResponse } from '@mcp/accounts';

/** One recorded upstream call. */
export interface RecordedCall {
  method: 'GET' | 'POST';
  url: string;
  body?: unknown;
  auth?: AccountAuth;
}

type Handler = (call: RecordedCall) => UpstreamJsonResponse | Promise<UpstreamJsonResponse>;

/** A hand-written stand-in for ChatgptHttp in unit specs: answers from per-URL handlers and records every call. */
export class ScriptedHttp {
  readonly calls: RecordedCall[] = [];
  private readonly handlers: { match: (url: string) => boolean; handle: Handler }[] = [];

  on(fragment: string, handle: Handler): this {
    this.handlers.unshift({ match: (url) => url.includes(fragment), handle });
    return this;
  }

  callsTo(fragment: string): RecordedCall[] {
    return this.calls.filter((call) => call.url.includes(fragment));
  }

  asChatgptHttp(): ChatgptHttp {
    return this as unknown as ChatgptHttp;
  }

  upstreamUrl(path: string): string {
    return `http://upstream.test${path}`;
  }

  getAsAccount(path: string, auth: AccountAuth, _options: CallOptions): Promise<UpstreamJsonResponse> {
    return this.dispatch({ method: 'GET', url: this.upstreamUrl(path), auth });
  }

  postJson(url: string, body: unknown, _options: CallOptions): Promise<UpstreamJsonResponse> {
    return this.dispatch({ method: 'POST', url, body });
  }

  postForm(url: string, fields: Record<string, string>, _options: CallOptions): Promise<UpstreamJsonResponse> {
    return this.dispatch({ method: 'POST', url, body: { ...fields } });
  }

  private async dispatch(call: RecordedCall): Promise<UpstreamJsonResponse> {
    this.calls.push(call);
    const handler = this.handlers.find((candidate) => candidate.match(call.url));
    if (!handler) throw new Error(`ScriptedHttp: no handler for ${call.method} ${call.url}`);
    return handler.handle(call);
  }
}

export function json(status: number, body: unknown, headers: Record<string, string> = {}): UpstreamJsonResponse {
  return { status, headers, body, text: JSON.stringify(body) };
}

/** A promise plus its resolver, to hold an upstream answer until the spec releases it. */
export function deferred<T = void>(): { promise: Promise<T>; resolve: (value: T) => void } {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}
