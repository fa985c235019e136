import type { IncomingHttpHeaders } from 'node:http';
import WebSocket from 'ws';

/** A frame as JSON. */
export type Frame = Record<string, unknown>;

const TERMINAL = new Set(['response.completed', 'response.incomplete', 'response.failed', 'error']);

/**
 * A plain `ws` client for Responses over WebSocket specs: opens a socket (or reports why the upgrade was refused),
 * sends `response.create` frames and collects the frames of one request up to its terminal event.
 */
export class WsTestClient {
  private readonly inbox: Frame[] = [];
  private waiter: (() => void) | undefined;
  closed: { code: number; reason: string } | undefined;
  private readonly closedPromise: Promise<{ code: number; reason: string }>;
  pings = 0;

  private constructor(
    readonly socket: WebSocket,
    readonly handshakeHeaders: IncomingHttpHeaders,
  ) {
    socket.on('message', (data) => {
      this.inbox.push(JSON.parse(String(data)) as Frame);
      this.waiter?.();
    });
    socket.on('ping', () => (this.pings += 1));
    this.closedPromise = new Promise((resolve) => {
      socket.on('close', (code, reason) => {
        this.closed = { code, reason: reason.toString() };
        this.waiter?.();
        resolve(this.closed);
      });
    });
  }

  /** Opens the socket; rejects with a `RefusedUpgrade` when the server answers the upgrade with plain HTTP. */
  static open(url: string, headers: Record<string, string> = {}): Promise<WsTestClient> {
    return new Promise((resolve, reject) => {
      const socket = new WebSocket(url, { headers });
      let handshake: IncomingHttpHeaders = {};
      socket.once('upgrade', (response) => (handshake = response.headers));
      socket.once('open', () => resolve(new WsTestClient(socket, handshake)));
      socket.once('unexpected-response', (_req, response) => {
        let body = '';
        response.on('data', (chunk: Buffer) => (body += chunk.toString()));
        response.on('end', () => {
          reject(new RefusedUpgrade(response.statusCode ?? 0, body, response.headers));
          socket.terminate();
        });
      });
      socket.once('error', reject);
    });
  }

  send(frame: Frame): void {
    this.socket.send(JSON.stringify(frame));
  }

  /** A frame in the caller's own spelling (whitespace, escapes). */
  sendText(text: string): void {
    this.socket.send(text);
  }

  /** Sends a frame and returns its frames up to and including the terminal one (a completed, failure or error). */
  async request(frame: Frame, timeoutMs = 20_000): Promise<Frame[]> {
    this.send(frame);
    return this.untilTerminal(timeoutMs);
  }

  async untilTerminal(timeoutMs = 20_000): Promise<Frame[]> {
    const taken: Frame[] = [];
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const next = this.inbox.shift();
      if (next) {
        taken.push(next);
        if (TERMINAL.has(String(next['type']))) return taken;
        continue;
      }
      if (this.closed) throw new Error(`socket closed (${this.closed.code}) after ${JSON.stringify(taken)}`);
      if (Date.now() > deadline) throw new Error(`no terminal frame within ${timeoutMs} ms: ${JSON.stringify(taken)}`);
      await new Promise<void>((resolve) => {
        this.waiter = resolve;
        setTimeout(resolve, 50);
      });
      this.waiter = undefined;
    }
  }

  whenClosed(): Promise<{ code: number; reason: string }> {
    return this.closedPromise;
  }

  close(): void {
    this.socket.close();
  }
}

export class RefusedUpgrade extends Error {
  constructor(
    readonly status: number,
    readonly body: string,
    readonly headers: IncomingHttpHeaders,
  ) {
    super(`upgrade refused with ${status}: ${body}`);
  }
}

/** The text of every `output_text` delta among the frames. */
export function textOf(frames: Frame[]): string {
  return frames
    .filter((f) => f['type'] === 'response.output_text.delta')
    .map((f) => String(f['delta']))
    .join('');
}

/** The response id a request's `response.created` frame announced. */
export function responseIdOf(frames: Frame[]): string {
  const created = frames.find((f) => f['type'] === 'response.created')?.['response'] as { id?: string } | undefined;
  if (!created?.id) throw new Error(`no response.created among ${JSON.stringify(frames)}`);
  return created.id;
}
