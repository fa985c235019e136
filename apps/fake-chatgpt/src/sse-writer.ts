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
 * Writes events with increasing `sequence_number`. Unpaced streams go out as one write (the
 * emulator is the benchmark's upstream, so several events per chunk is the norm); paced ones
 * write each event and sleep before each delta.
 */
export async function writeSse(res: ServerResponse, events: StreamEvent[], opts: WriteOptions): Promise<StreamOutcome> {
  if (opts.deltaIntervalMs > 0) {
    for (let i = 0; i < events.length; i++) {
      const ev = events[i]!;
      if (DELTA_TYPES.has(ev.type)) {
        await opts.timers.sleep(opts.deltaIntervalMs);
        if (res.destroyed) return 'aborted';
      }
      ev.sequence_number = i;
      res.write(frame(ev));
    }
  } else {
    let out = '';
    for (let i = 0; i < events.length; i++) {
      events[i]!.sequence_number = i;
      out += frame(events[i]!);
    }
    res.write(out);
  }
  if (res.destroyed) return 'aborted';
  if (opts.drop) {
    // Destroy only once everything written reached the socket, so the client sees exactly K deltas.
    await new Promise<void>((resolve) => res.write('', () => resolve()));
    res.destroy();
    return 'dropped';
  }
  res.end();
  return 'ended';
}
