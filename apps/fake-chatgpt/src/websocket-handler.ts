import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import { planAnswer, type AnswerPlan } from './answer-builder';
import { authenticate } from './auth-check';
import { checkCompaction } from './compaction';
import { applyFault } from './faults';
import { HttpError, headerValue } from './http-util';
import { catalogueFor, planEtag } from './models-catalogue';
import { consume, exhaustedWindow, rollWindows, usageLimitBody } from './quota';
import { validateRequest, type Item } from './request-validation';
import { envelope, type StreamEvent } from './response-events';
import { buildStream } from './stream-builder';
import type { EmulatorState } from './state';
import type { Timers } from './timers';
import type { AccountRecord } from './types';

/** The beta Codex sends on the upgrade; the backend speaks the frame protocol only to clients that name it. */
export const RESPONSES_WEBSOCKETS_BETA = 'responses_websockets=2026-02-06';
const PATH = '/backend-api/codex/responses';

/** What specs read to know a request really came over a socket. */
export interface WebSocketCounters {
  /** Upgrades accepted (101). */
  connections: number;
  /** Upgrades refused, by HTTP status. */
  refused: Record<string, number>;
  /** `response.create` frames that reached an account, per emulator account id (prewarms included). */
  requests: Record<string, number>;
  prewarms: number;
  /** Error frames sent, by their `status`. */
  errorFrames: Record<string, number>;
}

export function emptyWebSocketCounters(): WebSocketCounters {
  return { connections: 0, refused: {}, requests: {}, prewarms: 0, errorFrames: {} };
}

/** The conversation the backend keeps in connection memory for `previous_response_id` (one response back). */
interface Remembered {
  id: string;
  input: Item[];
  output: unknown[];
}

/**
 * Responses over WebSocket as the Codex backend serves it (PROTOCOL.md §13.1): an authenticated upgrade, one
 * `response.create` frame per request, each event as a JSON text frame, errors as error frames on an open socket,
 * `previous_response_id` against the previous response of this socket only, `generate:false` prewarms.
 */
export class ResponsesWebSocket {
  counters = emptyWebSocketCounters();
  private readonly wss = new WebSocketServer({ noServer: true });

  constructor(
    private readonly state: EmulatorState,
    private readonly timers: Timers,
  ) {}

  attach(server: Server): void {
    server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => this.upgrade(req, socket, head));
  }

  /** Closes every open socket (emulator stop). */
  close(): void {
    for (const client of this.wss.clients) client.terminate();
    this.wss.close();
  }

  private upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const path = new URL(req.url ?? '/', 'http://emulator.local').pathname;
    let account: AccountRecord;
    try {
      if (path !== PATH) throw new HttpError(404, { detail: 'Not Found' });
      if (!(headerValue(req, 'openai-beta') ?? '').includes(RESPONSES_WEBSOCKETS_BETA)) {
        throw new HttpError(400, {
          error: {
            message: `WebSocket mode needs OpenAI-Beta: ${RESPONSES_WEBSOCKETS_BETA}`,
            type: 'invalid_request_error',
            code: null,
            param: null,
          },
        });
      }
      account = authenticate(this.state, req, 'responses');
      // authenticate() counts an HTTP request; the frames are the requests here, counted as they come.
      const perRoute = this.state.counters.requests[account.id];
      if (perRoute?.responses) perRoute.responses -= 1;
    } catch (error) {
      return this.refuse(socket, error);
    }
    const version = headerValue(req, 'version') ?? '999.0.0';
    const etag = planEtag(catalogueFor(account.models, version).map((m) => m.slug));
    const addEtag = (headers: string[]): void => void headers.push(`x-models-etag: ${etag}`);
    // 'headers' fires synchronously inside handleUpgrade: the listener only ever sees this upgrade.
    this.wss.on('headers', addEtag);
    try {
      this.wss.handleUpgrade(req, socket, head, (ws) => {
        this.counters.connections += 1;
        this.serve(ws, account, req);
      });
    } finally {
      this.wss.off('headers', addEtag);
    }
  }

  private refuse(socket: Duplex, error: unknown): void {
    const status = error instanceof HttpError ? error.status : 500;
    const body = JSON.stringify(error instanceof HttpError ? error.body : { detail: String(error) });
    this.counters.refused[status] = (this.counters.refused[status] ?? 0) + 1;
    socket.end(
      `HTTP/1.1 ${status} Refused\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\n` +
        `connection: close\r\n\r\n${body}`,
    );
  }

  /** Frames are served one at a time, in order, as the backend does on one connection. */
  private serve(ws: WebSocket, account: AccountRecord, req: IncomingMessage): void {
    let previous: Remembered | undefined;
    let queue = Promise.resolve();
    ws.on('message', (data: RawData, isBinary: boolean) => {
      queue = queue.then(async () => {
        try {
          previous = await this.request(ws, account, req, parseFrame(data, isBinary), previous);
        } catch (error) {
          this.sendError(ws, error);
        }
      });
    });
  }

  private async request(
    ws: WebSocket,
    account: AccountRecord,
    req: IncomingMessage,
    frame: Record<string, unknown>,
    previous: Remembered | undefined,
  ): Promise<Remembered | undefined> {
    const body = expand(frame, previous);
    this.counters.requests[account.id] = (this.counters.requests[account.id] ?? 0) + 1;
    this.state.countRequest(account.id, 'responses');
    this.state.recordLast(account.id, { route: 'responses', headers: req.headers, body });
    if (frame.generate === false) return this.prewarm(ws, body);
    const validated = validateRequest(body, account, 'responses');
    validated.compaction = checkCompaction(validated, req.headers);
    const fault = await applyFault(this.state, this.timers, account, 'responses', validated.model.slug);
    const now = this.state.now();
    rollWindows(account, now);
    const exhausted = exhaustedWindow(account);
    if (exhausted) throw new HttpError(429, usageLimitBody(account, exhausted[1], now));
    consume(account);
    const plan: AnswerPlan = fault?.kind === 'empty' ? { items: [], reasoningTokens: 0 } : planAnswer(validated);
    const inputTokens = Math.max(1, Math.ceil(JSON.stringify(body).length / 4));
    const { events, drop } = buildStream({ state: this.state, account, req: validated, plan, inputTokens, fault });
    let output: unknown[] = [];
    for (const event of events) {
      if (ws.readyState !== ws.OPEN) return undefined;
      ws.send(JSON.stringify(event));
      if (event.type === 'response.output_item.done') output = [...output, event['item']];
    }
    // A dropped stream is a dropped connection: the socket goes with it.
    if (drop) ws.terminate();
    const id = responseIdOf(events);
    return id ? { id, input: validated.input, output } : undefined;
  }

  /** `generate:false`: no model call, no quota; the input is remembered for the next frame. */
  private prewarm(ws: WebSocket, body: Record<string, unknown>): Remembered {
    this.counters.prewarms += 1;
    const id = this.state.nextId('resp_');
    const ctx = {
      responseId: id,
      createdAt: Math.floor(this.state.now() / 1000),
      body,
      model: String(body.model ?? ''),
      includeEncrypted: false,
      newId: (prefix: string) => this.state.nextId(prefix),
    };
    ws.send(JSON.stringify({ type: 'response.created', response: envelope(ctx, 'in_progress', [], null) }));
    const usage = {
      input_tokens: 0,
      input_tokens_details: { cached_tokens: 0 },
      output_tokens: 0,
      output_tokens_details: { reasoning_tokens: 0 },
      total_tokens: 0,
    };
    ws.send(JSON.stringify({ type: 'response.completed', response: envelope(ctx, 'completed', [], usage) }));
    return { id, input: Array.isArray(body.input) ? (body.input as Item[]) : [], output: [] };
  }

  /** Errors become error frames; the socket stays open for the next request. */
  private sendError(ws: WebSocket, error: unknown): void {
    if (ws.readyState !== ws.OPEN) return;
    const status = error instanceof HttpError ? error.status : 500;
    this.counters.errorFrames[status] = (this.counters.errorFrames[status] ?? 0) + 1;
    ws.send(JSON.stringify({ type: 'error', status, error: errorObject(error, status) }));
  }
}

function parseFrame(data: RawData, isBinary: boolean): Record<string, unknown> {
  let parsed: unknown;
  try {
    if (isBinary) throw new Error('binary');
    parsed = JSON.parse(String(data));
  } catch {
    throw invalid('Frames must be JSON text.');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
    throw invalid('A frame must be an object.');
  const frame = parsed as Record<string, unknown>;
  if (frame.type !== 'response.create') throw invalid(`Unsupported frame type: ${JSON.stringify(frame.type)}`);
  return frame;
}

/** The frame as an HTTP body: previous input and output in front of the new input, the frame fields gone. */
function expand(frame: Record<string, unknown>, previous: Remembered | undefined): Record<string, unknown> {
  const { type: _type, previous_response_id: previousId, generate: _generate, ...body } = frame;
  if (previousId === undefined || previousId === null) return body;
  if (!previous || previous.id !== previousId) {
    throw new HttpError(400, {
      error: {
        message: `Previous response with id '${String(previousId)}' not found.`,
        type: 'invalid_request_error',
        code: 'previous_response_not_found',
        param: 'previous_response_id',
      },
    });
  }
  const added = Array.isArray(body.input) ? (body.input as unknown[]) : [];
  return { ...body, input: [...previous.input, ...previous.output, ...added] };
}

function responseIdOf(events: StreamEvent[]): string | undefined {
  const created = events.find((e) => e.type === 'response.created')?.['response'] as { id?: unknown } | undefined;
  return typeof created?.id === 'string' ? created.id : undefined;
}

function invalid(message: string): HttpError {
  return new HttpError(400, { error: { message, type: 'invalid_request_error', code: null, param: null } });
}

/** The `error` object of an error frame, from whichever body shape the HTTP path would have answered. */
function errorObject(error: unknown, status: number): Record<string, unknown> {
  const body = error instanceof HttpError ? (error.body as Record<string, unknown> | undefined) : undefined;
  const inner = body?.['error'];
  if (typeof inner === 'object' && inner !== null) return inner as Record<string, unknown>;
  const detail = body?.['detail'];
  const message = typeof detail === 'string' ? detail : error instanceof Error ? error.message : String(error);
  return { type: status >= 500 ? 'server_error' : 'invalid_request_error', code: null, message };
}
