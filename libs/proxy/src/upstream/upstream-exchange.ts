import type { IncomingHttpHeaders } from 'node:http';
import { errors, type Dispatcher } from 'undici';
import { UpstreamBody } from './upstream-body';

export interface UpstreamResponse {
  status: number;
  headers: IncomingHttpHeaders;
  body: UpstreamBody;
}

/**
 * The request body as an iterable that lets go of its bytes once undici has written them: undici keeps its request
 * (and a Buffer body with it) until the response ends, which for a stream of a 40 KB Codex request can be minutes.
 * A synchronous iterable is the cheapest body undici writes chunk by chunk (no stream, one cork).
 */
export class ReleasedOnceSent implements Iterable<Buffer>, Iterator<Buffer, undefined> {
  constructor(private payload: Buffer | undefined) {}

  [Symbol.iterator](): this {
    return this;
  }

  next(): IteratorResult<Buffer, undefined> {
    const payload = this.payload;
    if (payload === undefined) return { done: true, value: undefined };
    this.payload = undefined;
    return { done: false, value: payload };
  }
}

/**
 * One upstream request as an undici dispatch handler: the promise of `send()` settles at the response headers (or
 * the error before them), then the body receives the chunks. The client's abort signal is listened to once, with
 * this object as the listener, and let go as soon as the exchange is over.
 */
export class UpstreamExchange implements Dispatcher.DispatchHandler {
  private controller: Dispatcher.DispatchController | undefined = undefined;
  private body: UpstreamBody | undefined = undefined;
  private settled = false;
  private listening = false;
  private readonly release = (): void => this.stopListening();

  constructor(
    private readonly signal: AbortSignal,
    private readonly resolve: (response: UpstreamResponse) => void,
    private readonly reject: (error: unknown) => void,
  ) {
    signal.addEventListener('abort', this);
    this.listening = true;
  }

  /** The client's abort: before the headers `send()` rejects at once; after them the body fails with the reason. */
  handleEvent(): void {
    const reason = abortReason(this.signal);
    this.stopListening();
    if (this.body !== undefined) {
      this.body.destroy(reason);
      return;
    }
    this.settle(undefined, reason);
    this.controller?.abort(reason);
  }

  onRequestStart(controller: Dispatcher.DispatchController): void {
    this.controller = controller;
    if (this.signal.aborted) controller.abort(abortReason(this.signal));
  }

  onResponseStart(controller: Dispatcher.DispatchController, statusCode: number, headers: IncomingHttpHeaders): void {
    releaseRawHeaders(controller);
    if (statusCode < 200 || this.body !== undefined) return;
    if (this.settled) {
      controller.abort(abortReason(this.signal));
      return;
    }
    this.body = new UpstreamBody(controller, this.release);
    this.settle({ status: statusCode, headers, body: this.body });
  }

  onResponseData(_controller: Dispatcher.DispatchController, chunk: Buffer): void {
    this.body?.push(chunk);
  }

  onResponseEnd(): void {
    this.body?.end();
    this.stopListening();
  }

  onResponseError(_controller: Dispatcher.DispatchController, error: Error): void {
    this.stopListening();
    if (this.body !== undefined) this.body.fail(error);
    else this.settle(undefined, error);
  }

  private settle(response: UpstreamResponse | undefined, error?: unknown): void {
    if (this.settled) return;
    this.settled = true;
    if (response !== undefined) this.resolve(response);
    else this.reject(error);
  }

  private stopListening(): void {
    if (!this.listening) return;
    this.listening = false;
    this.signal.removeEventListener('abort', this);
  }
}

function abortReason(signal: AbortSignal): Error {
  const reason: unknown = signal.reason;
  return reason instanceof Error ? reason : new errors.RequestAbortedError();
}

/**
 * undici's controller keeps the response's raw header Buffers for as long as the response lives, and those are
 * slices of the connection's 64 KB read buffer: 64 KB held per open stream (62 MB with 1,000 open streams, seen in a
 * heap snapshot, issue 20). The parsed `headers` are all this exchange reads, so the raw ones are let go.
 */
function releaseRawHeaders(controller: Dispatcher.DispatchController): void {
  const raw = controller as { rawHeaders?: unknown };
  if (raw.rawHeaders !== undefined) raw.rawHeaders = null;
}
