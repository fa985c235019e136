import { randomBytes } from 'node:crypto';
import type { RawData, WebSocket } from 'ws';
import { ClientRequestError, isRecord, SourceText, type JsonObject } from '@mcp/codex';
import type { ConversationBudget } from './conversation-budget';
import { ConversationMemory } from './conversation-memory';
import { errorFrameOf } from './frame-writer';
import { socketErrorOf, type SocketInfo, type SocketRequests } from './socket-requests';

/** Per-socket limits (PROTOCOL.md §13.1). */
export interface WebSocketLimits {
  /** Our ping period: under the 60 s of nginx and 100 s of Cloudflare, and §13.1's 30 s. */
  pingMs: number;
  /** A socket with no request running and no frame for this long is closed (1000, "idle timeout"). */
  idleMs: number;
  /** The most one socket remembers for `previous_response_id` (input + output JSON). */
  maxRememberedBytes: number;
  /** The most all sockets remember together; the conversations used longest ago are forgotten first. */
  maxRememberedBytesTotal: number;
  /** Frames waiting behind the running one; more are refused with an error frame. */
  maxQueued: number;
}

export const DEFAULT_WEBSOCKET_LIMITS: WebSocketLimits = {
  pingMs: 25_000,
  idleMs: 600_000,
  maxRememberedBytes: 32 * 1024 * 1024,
  // Held as parsed JSON (a few times the text in heap): a small VPS still fits it beside everything else.
  maxRememberedBytesTotal: 128 * 1024 * 1024,
  maxQueued: 4,
};

/** Counts since start, for specs and operators: did clients really use sockets, and continue by id? */
export interface WebSocketStats {
  connections: number;
  /** `response.create` frames served through the attempt loop. */
  requests: number;
  prewarms: number;
  /** Frames whose `previous_response_id` was expanded from memory. */
  continued: number;
}

const CLOSE_GRACE_MS = 1000;

export const CLOSE_IDLE = { code: 1000, reason: 'idle timeout' } as const;
export const CLOSE_SHUTDOWN = { code: 1001, reason: 'server shutting down' } as const;

/**
 * One client socket: frames served one at a time in arrival order (a continuation needs the answer before it),
 * prewarms answered locally, our pings, the idle limit. The socket outlives every request on it.
 */
export class SocketSession {
  private readonly memory: ConversationMemory;
  private chain: Promise<void> = Promise.resolve();
  private queued = 0;
  private busy = false;
  private lastActivity = Date.now();
  private awaitingPong = false;
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly socket: WebSocket,
    private readonly info: SocketInfo,
    private readonly requests: SocketRequests,
    private readonly limits: WebSocketLimits,
    private readonly stats: WebSocketStats,
    budget?: ConversationBudget,
  ) {
    stats.connections += 1;
    this.memory = new ConversationMemory(limits.maxRememberedBytes, budget);
    socket.on('message', (data: RawData, isBinary: boolean) => this.receive(data, isBinary));
    socket.on('pong', () => (this.awaitingPong = false));
    socket.on('ping', () => (this.lastActivity = Date.now()));
    socket.on('close', () => {
      clearInterval(this.timer);
      this.memory.close();
    });
    socket.on('error', () => socket.terminate());
    // Ticking faster than both limits keeps each within one tick of its value.
    const tick = Math.max(10, Math.min(limits.pingMs, Math.floor(limits.idleMs / 2)));
    this.timer = setInterval(() => this.onTick(), tick);
    this.timer.unref();
  }

  /** A clean close; a peer that does not answer the close frame within a second is cut. */
  close(code: number, reason: string): void {
    clearInterval(this.timer);
    if (this.socket.readyState !== this.socket.OPEN) return;
    this.socket.close(code, reason);
    setTimeout(() => this.socket.terminate(), CLOSE_GRACE_MS).unref();
  }

  private receive(data: RawData, isBinary: boolean): void {
    this.lastActivity = Date.now();
    if (this.queued >= this.limits.maxQueued + 1) {
      const error = new ClientRequestError('Too many requests queued on this connection; wait for the answers.', {
        status: 429,
        code: 'too_many_queued_requests',
      });
      this.socket.send(errorFrameOf(socketErrorOf(error)));
      return;
    }
    this.queued += 1;
    this.chain = this.chain.then(async () => {
      this.busy = true;
      try {
        await this.handle(data, isBinary);
      } finally {
        this.busy = false;
        this.queued -= 1;
        this.lastActivity = Date.now();
      }
    });
  }

  private async handle(data: RawData, isBinary: boolean): Promise<void> {
    if (this.socket.readyState !== this.socket.OPEN) return;
    let frame: JsonObject;
    let source: SourceText;
    try {
      source = readFrame(data, isBinary);
      frame = source.parsed;
      if (frame['generate'] === false) return this.prewarm(frame);
      if (this.memory.answered(frame['previous_response_id'])) this.stats.continued += 1;
    } catch (error) {
      this.socket.send(errorFrameOf(socketErrorOf(error)));
      return;
    }
    this.stats.requests += 1;
    await this.requests.serve(this.socket, this.info, frame, this.memory, source);
  }

  /**
   * `generate:false`: Codex warms the connection with its instructions and tools. Nothing is asked upstream; the
   * input is remembered so the next frame can continue from this response.
   */
  private prewarm(frame: JsonObject): void {
    const expanded = this.memory.expand(frame);
    const id = `resp_${randomBytes(16).toString('hex')}`;
    const model = typeof frame['model'] === 'string' ? frame['model'] : null;
    const base = { id, object: 'response', created_at: Math.floor(Date.now() / 1000), model, output: [] };
    const usage = {
      input_tokens: 0,
      input_tokens_details: { cached_tokens: 0 },
      output_tokens: 0,
      output_tokens_details: { reasoning_tokens: 0 },
      total_tokens: 0,
    };
    this.socket.send(JSON.stringify({ type: 'response.created', response: { ...base, status: 'in_progress' } }));
    this.socket.send(JSON.stringify({ type: 'response.completed', response: { ...base, status: 'completed', usage } }));
    this.memory.remember(id, expanded.input, expanded.bytes, []);
    this.stats.prewarms += 1;
  }

  private onTick(): void {
    if (this.socket.readyState !== this.socket.OPEN) return;
    if (!this.busy && this.queued === 0 && Date.now() - this.lastActivity >= this.limits.idleMs) {
      this.close(CLOSE_IDLE.code, CLOSE_IDLE.reason);
      return;
    }
    if (this.awaitingPong) {
      // No pong for a whole period: the peer is gone without a close frame.
      this.socket.terminate();
      return;
    }
    this.awaitingPong = true;
    this.socket.ping();
  }
}

/** A `response.create` frame, parsed, with its text (what the request leaves untouched travels as sent). */
function readFrame(data: RawData, isBinary: boolean): SourceText {
  let parsed: unknown;
  let text: string;
  try {
    if (isBinary) throw new Error('binary frame');
    text = String(data);
    parsed = JSON.parse(text);
  } catch {
    throw new ClientRequestError('Each frame must be a JSON text frame.', { code: 'invalid_json' });
  }
  if (!isRecord(parsed)) throw new ClientRequestError('A frame must be a JSON object.', { code: 'invalid_value' });
  if (parsed['type'] !== 'response.create') {
    throw new ClientRequestError(
      `Unsupported frame type ${JSON.stringify(parsed['type'] ?? null)}: send "response.create".`,
      {
        code: 'invalid_value',
        param: 'type',
      },
    );
  }
  return new SourceText(text, parsed);
}
