import {
  ChatStreamTranslator,
  STREAM_INTERRUPTED,
  networkFailure,
  serializeSseRaw,
  type ResponseAccumulator,
  type SseEvent,
  type StreamError,
  type UpstreamFailure,
} from '@mcp/codex';
import type { AttemptClass } from '@mcp/contracts';
import type { StreamSuccess } from '../attempts/attempt-types';
import { streamReadFailure, takeBatch } from '../attempts/read-until-commit';

/** Where a committed stream goes: the HTTP SSE writer, or a WebSocket's frame writer (PROTOCOL.md §13.1). */
export interface StreamWriter {
  readonly open: boolean;
  /** The commit point: status line and headers for HTTP, nothing for a socket that is already open. */
  start(headers: Record<string, string>): void;
  write(frames: string | string[]): Promise<void>;
  end(): void;
}

/** How a relayed stream ended. */
export type RelayEnd =
  | { kind: 'terminal' }
  | { kind: 'failed'; error: StreamError }
  | { kind: 'interrupted'; failure: UpstreamFailure; cls: AttemptClass }
  | { kind: 'client_gone' };

/** Turns upstream events into client frames: verbatim for native clients, chat chunks for Chat clients. */
export interface StreamSink {
  /** Called after `event` was pushed into `accumulator`, which has therefore seen everything up to it. */
  frames(event: SseEvent, accumulator: ResponseAccumulator): string[];
  /** After the terminal event: chat closes with finish_reason/usage/[DONE] or an error frame. */
  close(accumulator: ResponseAccumulator): string[];
  /** After commit, the stream broke without a terminal event (§12.3). */
  interrupted(message: string): string[];
}

export interface RelayOptions {
  signal: AbortSignal;
  /** Stream headers sent at the commit point, besides the SSE ones. */
  headers: () => Record<string, string>;
  absorb(event: SseEvent): boolean;
  /** The terminal event has been written: a disconnect after this is still a success. */
  onTerminalWritten(): void;
}

const DRAIN_AFTER_TERMINAL_MS = 1000;

/**
 * Native `/v1/responses` (§5.7): events verbatim, except a terminal event whose `output` lacks the streamed items,
 * which clients' final objects come from (§3.5); a synthetic `error` event on interruption.
 */
export function nativeSink(): StreamSink {
  return {
    frames: (event, accumulator) => {
      const final = accumulator.terminal === undefined ? undefined : accumulator.finalTerminalEventJson(event.data);
      return [serializeSseRaw(event.type, final ?? event.raw)];
    },
    close: () => [],
    interrupted: (message) => [
      serializeSseRaw('error', JSON.stringify({ type: 'error', code: STREAM_INTERRUPTED, message, param: null })),
    ],
  };
}

/** Chat Completions (§5.6): translated frame by frame. */
export function chatSink(model: string, includeUsage: boolean): StreamSink {
  const translator = new ChatStreamTranslator(model, { includeUsage });
  return {
    frames: (event) => translator.push(event.data),
    close: (accumulator) =>
      accumulator.terminal === 'completed' || accumulator.terminal === 'incomplete'
        ? translator.finish()
        : translator.fail(accumulator.error ?? { code: STREAM_INTERRUPTED, message: 'The upstream stream failed.' }),
    interrupted: (message) => translator.fail(STREAM_INTERRUPTED, message),
  };
}

/**
 * Relays a committed upstream stream (§7.5 onwards): headers, the held events, then each event as it arrives.
 * After commit there is no failover: failures become in-stream errors (§12.3).
 */
export async function relayStream(
  success: StreamSuccess,
  writer: StreamWriter,
  sink: StreamSink,
  options: RelayOptions,
): Promise<RelayEnd> {
  const accumulator = success.accumulator;
  writer.start(options.headers());
  await writeHeld(success, writer, sink);
  while (accumulator.terminal === undefined) {
    const end = await relayNextBatch(success, writer, sink, options);
    if (end) return end;
  }
  await writer.write(sink.close(accumulator));
  if (writer.open) options.onTerminalWritten();
  writer.end();
  void drainUpstream(success);
  if (accumulator.error) return { kind: 'failed', error: accumulator.error };
  return { kind: 'terminal' };
}

/**
 * The events read before the commit point, written once and then let go: they (and the first network chunk their
 * text slices) must not live as long as the stream. A function of its own, so its locals die with it.
 */
async function writeHeld(success: StreamSuccess, writer: StreamWriter, sink: StreamSink): Promise<void> {
  const frames = success.held.flatMap((event) => sink.frames(event, success.accumulator));
  success.held.length = 0;
  await writer.write(frames);
}

/** Relays the next upstream batch; a RelayEnd when the stream cannot go on. Nothing of a batch outlives the call. */
async function relayNextBatch(
  success: StreamSuccess,
  writer: StreamWriter,
  sink: StreamSink,
  options: RelayOptions,
): Promise<RelayEnd | undefined> {
  let next: IteratorResult<SseEvent[], void>;
  try {
    next = await success.events.next();
  } catch (error) {
    if (options.signal.aborted) return clientGone(writer);
    return interrupt(writer, sink, streamReadFailure(error));
  }
  if (options.signal.aborted) return clientGone(writer);
  if (next.done) {
    const failure = networkFailure('The upstream stream ended before a terminal event', 'truncated');
    return interrupt(writer, sink, { failure, cls: 'truncated' });
  }
  const taken = takeBatch(next.value, success.accumulator, options.absorb);
  await writer.write(taken.flatMap((event) => sink.frames(event, success.accumulator)));
  return undefined;
}

function clientGone(writer: StreamWriter): RelayEnd {
  writer.end();
  return { kind: 'client_gone' };
}

async function interrupt(
  writer: StreamWriter,
  sink: StreamSink,
  broken: { failure: UpstreamFailure; cls: AttemptClass },
): Promise<RelayEnd> {
  await writer.write(sink.interrupted(`${broken.failure.message}.`));
  writer.end();
  return { kind: 'interrupted', ...broken };
}

/** Upstream ends right after its terminal event; read that EOF so the connection returns to the pool, but never wait long. */
async function drainUpstream(success: StreamSuccess): Promise<void> {
  const timer = setTimeout(() => success.body.destroy(), DRAIN_AFTER_TERMINAL_MS);
  timer.unref();
  try {
    while (!(await success.events.next()).done) {
      // events after a terminal one are not relayed
    }
  } catch {
    // a reset after the terminal event changes nothing for the client
  } finally {
    clearTimeout(timer);
  }
}
