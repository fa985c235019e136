import type { ServerResponse } from 'node:http';
import type { StreamEvent } from './response-events';
import type { Timers } from './timers';

export type StreamOutcome = 'ended' | 'aborted' | 'dropped';

export interface WriteOptions {
  deltaIntervalMs: number;
  /** Destroy the connection after the last event instead of ending the stream cleanly. */
  drop: boolean;
  timers: Timers;
}

const DELTA_TYPES = new Set([
  'response.output_text.delta',
  'response.function_call_arguments.delta',
  'response.custom_tool_call_input.delta',
  'response.reasoning_summary_text.delta',
  'response.refusal.delta',
]);

export function frame(event: StreamEvent): string {
  return `event: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`;
}

/** Number of leading events that include exactly `k` output_text deltas (cut before the next one or the terminal). */
export function cutAfterTextDeltas(events: StreamEvent[], k: number): number {
  let seen = 0;
  for (let i = 0; i < events.length; i++) {
    const ev = events[i]!;
    if (ev.type === 'response.output_text.delta') {
      if (seen === k) return i;
      seen += 1;
    }
    if (ev.type === 'response.completed') return i;
  }
  return events.length;
}

/**
 * Writes events with increasing `sequence_number`. Unpaced streams are corked into one write
 * (the emulator is the benchmark's upstream); paced ones sleep before each delta.
 */
export async function writeSse(res: ServerResponse, events: StreamEvent[], opts: WriteOptions): Promise<StreamOutcome> {
  const paced = opts.deltaIntervalMs > 0;
  let flushed: Promise<void> = Promise.resolve();
  if (!paced) res.cork();
  for (let i = 0; i < events.length; i++) {
    const ev = events[i]!;
    if (paced && DELTA_TYPES.has(ev.type)) {
      await opts.timers.sleep(opts.deltaIntervalMs);
      if (res.destroyed) return 'aborted';
    }
    ev.sequence_number = i;
    if (opts.drop && i === events.length - 1) flushed = new Promise((resolve) => res.write(frame(ev), () => resolve()));
    else res.write(frame(ev));
  }
  if (!paced) res.uncork();
  if (res.destroyed) return 'aborted';
  if (opts.drop) {
    // Destroy only once the last frame reached the socket, so the client sees exactly K deltas.
    await flushed;
    res.destroy();
    return 'dropped';
  }
  res.end();
  return 'ended';
}
