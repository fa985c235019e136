import type { TraceRecord } from '@mcp/contracts';
import { JsonlLog, type ReadAllResult } from '@mcp/storage';
import type { RecordLog } from '../trace-logs';
import { encodeTrace, fullTrace, storeTrace, type StoredTrace } from './trace-line';

export interface TraceStoreOptions {
  /** Longest a finished request waits in memory before reaching the file (the crash-loss window). */
  flushIntervalMs?: number;
  onError?: (error: unknown) => void;
}

/**
 * requests-trace.jsonl (PROTOCOL.md §10.4): the newest `cap` traces, in memory (a ring) for
 * queries and on disk for restarts. The file grows by appends and is rewritten atomically to the
 * newest `cap` once it holds more than twice that, so it stays between cap and 2 × cap (plus what
 * arrives while a rewrite runs). Each trace is serialised once, as its line; memory keeps the
 * record without its body, and the line's bytes (off the JavaScript heap) for the body's readers.
 */
export class TraceStore {
  private readonly ring: (StoredTrace | undefined)[];
  private readonly byId = new Map<string, StoredTrace>();
  /** Slot the next trace goes to; once full, also the oldest trace. */
  private next = 0;
  private count = 0;
  private fileRecords = 0;
  private compaction: Promise<void> | undefined;
  /** After a failed rewrite, wait for another `cap` appends before trying again. */
  private retryAt = 0;
  private readonly log: RecordLog<TraceRecord>;
  private readonly onError: (error: unknown) => void;

  /** `source`: the JSON Lines file, or a log of another kind (a shared store's table). */
  constructor(
    source: string | RecordLog<TraceRecord>,
    readonly cap: number,
    options: TraceStoreOptions = {},
  ) {
    this.ring = new Array<StoredTrace | undefined>(cap);
    this.onError = options.onError ?? (() => undefined);
    this.log =
      typeof source === 'string'
        ? new JsonlLog<TraceRecord>(source, {
            ...(options.flushIntervalMs === undefined ? {} : { flushIntervalMs: options.flushIntervalMs }),
            onError: this.onError,
          })
        : source;
  }

  /** Reads the file, keeping the newest `cap` traces; compacts it if it is over the limit. */
  async load(): Promise<ReadAllResult> {
    const result = await this.log.readAll((trace, line) => this.remember(storeTrace(trace, line)));
    this.fileRecords = result.records;
    this.compactIfNeeded();
    // Traces other replicas record are shown here too (not appended again: they are stored already).
    this.log.follow?.((trace) => this.remember(storeTrace(trace)));
    return result;
  }

  add(trace: TraceRecord): void {
    const { stored, line } = encodeTrace(trace);
    this.remember(stored);
    if (this.log.appendLine) this.log.appendLine(line);
    else this.log.append(trace);
    this.fileRecords += 1;
    this.compactIfNeeded();
  }

  /** The whole trace, its body parsed back from its line. */
  get(id: string): TraceRecord | undefined {
    const stored = this.byId.get(id);
    return stored && fullTrace(stored);
  }

  get size(): number {
    return this.count;
  }

  /** The retained traces, newest first. */
  newestFirst(): StoredTrace[] {
    const out: StoredTrace[] = [];
    for (let k = 1; k <= this.count; k++) {
      const trace = this.ring[(this.next - k + this.cap) % this.cap];
      if (trace) out.push(trace);
    }
    return out;
  }

  /** Resolves once every trace added so far is on disk, including a rewrite in progress. */
  async flush(): Promise<void> {
    await this.compaction;
    await this.log.flush();
  }

  async close(): Promise<void> {
    await this.compaction;
    await this.log.close();
  }

  private remember(trace: StoredTrace): void {
    const evicted = this.ring[this.next];
    if (evicted && this.byId.get(evicted.record.id) === evicted) this.byId.delete(evicted.record.id);
    this.ring[this.next] = trace;
    this.byId.set(trace.record.id, trace);
    this.next = (this.next + 1) % this.cap;
    if (this.count < this.cap) this.count += 1;
  }

  private compactIfNeeded(): void {
    if (this.compaction || this.fileRecords <= Math.max(2 * this.cap, this.retryAt)) return;
    const before = this.fileRecords;
    this.compaction = this.log
      .retain(this.cap)
      .then(() => {
        this.fileRecords -= before - Math.min(before, this.cap);
      })
      .catch((error: unknown) => {
        this.retryAt = this.fileRecords + this.cap;
        this.onError(error);
      })
      .finally(() => {
        this.compaction = undefined;
      });
  }
}
