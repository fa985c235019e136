import {
  classifyStreamError,
  networkFailure,
  type ClassifyConfig,
  type ResponseAccumulator,
  type SseEvent,
  type UpstreamFailure,
} from '@mcp/codex';
import type { AttemptClass, UsageSnapshot } from '@mcp/contracts';
import type { UpstreamEventBatches } from '../upstream/upstream-events';
import { ClientGoneError } from './attempt-types';

export interface CommitReadOptions {
  commitAt: 'first_output' | 'terminal';
  signal: AbortSignal;
  /** Side effects of an event we never relay (codex.rate_limits); true means drop it. */
  absorb(event: SseEvent): boolean;
  now(): number;
  classify: ClassifyConfig;
  /** Read only when a failure needs it (§4.4 step 5). */
  lastUsage?: () => UsageSnapshot | undefined;
  /**
   * Replaces the empty-output check of a completed (or incomplete) answer: a reason it is unusable, or undefined.
   * Remote compaction uses it: a stream without its compaction item is a failed attempt (§13.3).
   */
  verifyAnswer?: (accumulator: ResponseAccumulator) => string | undefined;
}

export type CommitReadResult = { ok: true } | { ok: false; failure: UpstreamFailure; cls: AttemptClass };

/**
 * Reads a 200 upstream stream up to its commit point (PROTOCOL.md §7.5), holding every event so nothing reaches the
 * client yet. Any failure seen before that point is returned for failover: an error event, a truncated stream,
 * an empty completed answer, a timeout or a dropped connection. A network chunk is taken whole, so a failure that
 * arrives in the same chunk as the first output item still fails over: the client has seen nothing.
 */
export async function readUntilCommit(
  events: UpstreamEventBatches,
  accumulator: ResponseAccumulator,
  held: SseEvent[],
  options: CommitReadOptions,
): Promise<CommitReadResult> {
  for (;;) {
    let next: IteratorResult<SseEvent[], void>;
    try {
      next = await events.next();
    } catch (error) {
      if (options.signal.aborted) throw new ClientGoneError();
      return { ok: false, ...streamReadFailure(error) };
    }
    if (next.done) {
      return {
        ok: false,
        cls: 'truncated',
        failure: networkFailure('The upstream stream ended before a terminal event', 'truncated'),
      };
    }
    held.push(...takeBatch(next.value, accumulator, options.absorb));
    if (accumulator.terminal !== undefined) return judgeTerminal(accumulator, options);
    if (options.commitAt === 'first_output' && accumulator.outputStarted) return { ok: true };
  }
}

/** Folds a batch into the accumulator; returns the events to relay (rate-limit events absorbed, none after a terminal). */
export function takeBatch(
  batch: SseEvent[],
  accumulator: ResponseAccumulator,
  absorb: (event: SseEvent) => boolean,
): SseEvent[] {
  const taken: SseEvent[] = [];
  for (const event of batch) {
    if (accumulator.terminal !== undefined) break;
    if (absorb(event)) continue;
    accumulator.push(event);
    taken.push(event);
  }
  return taken;
}

function judgeTerminal(accumulator: ResponseAccumulator, options: CommitReadOptions): CommitReadResult {
  if (accumulator.terminal === 'failed' || accumulator.terminal === 'error') {
    const failure = classifyStreamError(accumulator.error, options.now(), options.classify, options.lastUsage?.());
    return { ok: false, failure, cls: failure.kind };
  }
  const problem = options.verifyAnswer
    ? options.verifyAnswer(accumulator)
    : accumulator.terminal === 'completed' && !accumulator.hasContent
      ? 'The upstream completed without any output'
      : undefined;
  if (problem) return { ok: false, cls: 'empty_output', failure: networkFailure(problem, 'empty_output') };
  return { ok: true };
}

/** A body error: an idle timeout (undici's bodyTimeout) or a dropped connection, both transient (§4.2). */
export function streamReadFailure(error: unknown): { failure: UpstreamFailure; cls: AttemptClass } {
  const code = (error as { code?: string } | undefined)?.code;
  if (code === 'UND_ERR_BODY_TIMEOUT') {
    return {
      cls: 'transient',
      failure: networkFailure('The upstream stream went silent past UPSTREAM_IDLE_TIMEOUT_MS', 'timeout'),
    };
  }
  return { cls: 'transient', failure: networkFailure(`The upstream connection failed: ${describeError(error)}`) };
}

export function describeError(error: unknown): string {
  if (error instanceof Error) {
    const code = (error as { code?: string }).code;
    return code ? `${error.message} (${code})` : error.message;
  }
  return String(error);
}
