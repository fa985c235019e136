import type { WebSocket } from 'ws';
import { STREAM_INTERRUPTED } from '@mcp/codex';
import type { OpenAiHttpError } from '../errors/openai-error';
import { nativeSink, type StreamSink, type StreamWriter } from '../relay/stream-relay';

/**
 * The WebSocket side of a committed stream (PROTOCOL.md §13.1): one text frame per event. `end()` ends the request,
 * not the socket, which stays open for the next `response.create`. Each batch waits until its last frame was handed
 * to the socket, so a slow client slows the upstream read as over HTTP.
 */
export class FrameWriter implements StreamWriter {
  private finished = false;

  constructor(private readonly socket: WebSocket) {}

  get open(): boolean {
    return !this.finished && this.socket.readyState === this.socket.OPEN;
  }

  start(): void {
    // Nothing to commit: the 101 was sent when the socket opened; the first frame is the commit.
  }

  async write(frames: string | string[]): Promise<void> {
    const list = typeof frames === 'string' ? [frames] : frames;
    if (list.length === 0 || !this.open) return;
    const last = list.length - 1;
    await new Promise<void>((resolve) => {
      list.forEach((frame, i) => this.socket.send(frame, i === last ? () => resolve() : undefined));
    });
  }

  end(): void {
    this.finished = true;
  }
}

/**
 * Native events as frames: each frame is exactly the data the HTTP relay would write for that event, unwrapped from
 * its SSE framing, so whatever the native pipeline does to an event (terminal output rebuilt, compaction item
 * renamed) reaches a socket the same way. Only the interruption error has the socket's own shape.
 */
export function frameSink(afterCreated?: () => string | undefined): StreamSink {
  const sse = nativeSink();
  return {
    frames: (event, accumulator) => {
      const frames = sse.frames(event, accumulator).flatMap(unwrapSse);
      const extra = event.type === 'response.created' ? afterCreated?.() : undefined;
      return extra === undefined ? frames : [...frames, extra];
    },
    close: (accumulator) => sse.close(accumulator).flatMap(unwrapSse),
    interrupted: (message) => [errorFrame(502, { type: 'upstream_error', code: STREAM_INTERRUPTED, message })],
  };
}

/** `{"type":"error","status":N,"error":{type,code,message}}`: what Codex reads from a failed request on a socket. */
export function errorFrame(status: number, error: { type: string; code: string | null; message: string }): string {
  return JSON.stringify({ type: 'error', status, error });
}

export function errorFrameOf(error: OpenAiHttpError): string {
  return errorFrame(error.status, {
    type: error.type,
    code: error.code,
    message: error.message,
    ...(error.param ? { param: error.param } : {}),
  });
}

/** The `data:` payload of each SSE frame in `text` (a frame per blank-line-separated block). */
function unwrapSse(text: string): string[] {
  const payloads: string[] = [];
  for (const block of text.split('\n\n')) {
    const data = block
      .split('\n')
      .filter((line) => line.startsWith('data:'))
      .map((line) => line.slice(line.startsWith('data: ') ? 6 : 5));
    if (data.length > 0) payloads.push(data.join('\n'));
  }
  return payloads;
}
