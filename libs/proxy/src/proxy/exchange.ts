import type { ServerResponse } from 'node:http';
import { sendBytes } from '../http/send-bytes';
import type { AttemptContext } from '../attempts/attempt-types';
import { SseWriter } from '../relay/sse-writer';
import type { ProxyRequest } from '../request-context';
import type { TraceBuilder } from '../trace/trace-builder';

/**
 * One proxied request in flight: its trace, the client's response, and the abort signal that cancels the upstream
 * the moment the client disconnects (PROTOCOL.md §3.5).
 */
export class ProxyExchange {
  readonly writer: SseWriter;
  /** The client closed the connection before we finished the response. */
  clientGone = false;
  /** The terminal event reached the client: a disconnect after this is still a success. */
  terminalRelayed = false;
  private readonly abort = new AbortController();

  constructor(
    readonly req: ProxyRequest,
    readonly res: ServerResponse,
    readonly trace: TraceBuilder,
    readonly release: () => void,
  ) {
    this.writer = new SseWriter(res);
    res.on('close', () => {
      if (res.writableFinished) return;
      this.clientGone = true;
      this.abort.abort();
    });
  }

  get signal(): AbortSignal {
    return this.abort.signal;
  }

  get ctx(): AttemptContext {
    return { trace: this.trace, signal: this.abort.signal };
  }

  /** Headers every /v1 answer carries: the trace id and the gateway's own share of the latency. */
  commonHeaders(): Record<string, string> {
    return { 'x-request-id': this.trace.id, 'x-proxy-overhead-ms': String(this.trace.overheadMs()) };
  }

  /** A whole JSON answer (non-streaming clients, compact passthrough). */
  sendJson(status: number, body: string | Buffer, contentType = 'application/json'): void {
    if (this.res.headersSent || this.clientGone) return;
    this.res.setHeader('x-request-id', this.trace.id);
    // Read once the body is serialised: the header counts everything but the socket write (which encodes a string).
    this.res.setHeader('x-proxy-overhead-ms', String(this.trace.overheadMs()));
    sendBytes(this.res, status, contentType, body);
  }
}
