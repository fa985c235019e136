import type { TraceRecord } from '@mcp/contracts';
import { RotatingJsonlLog, type LinePlace, type ReadAllResult } from '@mcp/storage';
import type { RecordLog } from '../trace-logs';
import { LineSlabs } from './line-slabs';
import { encodeTrace, fullTrace, hasBody, storeTrace, type LineMemory, type StoredTrace } from './trace-line';

export interface TraceStoreOptions {
  /** Longest a finished request waits in memory before reaching the file (the crash-loss window). */
  flushIntervalMs?: number;
  onError?: (error: unknown) => void;
  /** Size of the slabs trace lines are written into until the file holds them (default 1 MiB). */
  lineSlabBytes?: number;
}

/**
 * requests-trace.jsonl (PROTOCOL.md §10.4): the newest `cap` traces, in memory (a ring) for
 * queries and on disk for restarts. On disk they are two segments (RotatingJsonlLog): the file grows
 * by appends, and once the two hold more than twice the cap, a current segment of at least `cap`
 * becomes `requests-trace.jsonl.1` by a rename, so they stay between cap and about 2 × cap. Each trace is serialised once, as its line; memory keeps the
 * record without its body, and the line's bytes until the file holds them: from then on a body is
 * read back from the file by the place of its line (a log that cannot do that keeps the bytes).
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
  /** Line memory, only for a log that tells where each line landed: nothing holds a line's bytes after that. */
  private readonly slabs: LineSlabs | undefined;

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
        ? new RotatingJsonlLog<TraceRecord>(source, {
            segmentRecords: cap,
            ...(options.flushIntervalMs === undefined ? {} : { flushIntervalMs: options.flushIntervalMs }),
            onError: this.onError,
          })
        : source;
    this.slabs = this.log.appendLine && this.log.readLines ? new LineSlabs(options.lineSlabBytes) : undefined;
  }

  /** Reads the file, keeping the newest `cap` traces; compacts it if it is over the limit. */
  async load(): Promise<ReadAllResult> {
    const readBack = this.log.readLines !== undefined;
    const result = await this.log.readAll((trace, line, place) =>
      this.remember(storeTrace(trace, line, readBack ? place : undefined)),
    );
    this.fileRecords = result.records;
    this.compactIfNeeded();
    // Traces other replicas record are shown here too (not appended again: they are stored already).
    this.log.follow?.((trace) => this.remember(storeTrace(trace)));
    return result;
  }

  add(trace: TraceRecord): void {
    this.fileRecords += 1;
    if (!this.log.appendLine) {
      this.remember(encodeTrace(trace).stored);
      this.log.append(trace);
    } else if (!this.slabs) {
      const { stored, line } = encodeTrace(trace);
      this.remember(stored);
      this.log.appendLine(line);
    } else {
      let release: () => void = () => undefined;
      const memory: LineMemory = (length) => {
        const taken = (this.slabs as LineSlabs).take(length);
        release = taken.release;
        return taken.bytes;
      };
      const { stored, line } = encodeTrace(trace, memory);
      this.remember(stored);
      // Once written, memory keeps only where the line is, and its bytes go back to the slab.
      this.log.appendLine(line, (place) => {
        if (stored.line !== undefined) forgetLine(stored, place);
        release();
      });
    }
    this.compactIfNeeded();
  }

  /** The whole trace, its body parsed back from its line. */
  async get(id: string): Promise<TraceRecord | undefined> {
    const stored = this.byId.get(id);
    return stored && (await this.full([stored]))[0];
  }

  /**
   * The whole traces, bodies included, reading the lines the file holds in one pass. Should a line not be where
   * it was noted (the file rewritten in a way its places cannot follow), the file is searched once for the rest; a
   * body found nowhere is left out.
   */
  async full(entries: StoredTrace[]): Promise<TraceRecord[]> {
    const out = await this.fromLines(entries);
    const lost = entries.flatMap((stored, i) => (out[i] === undefined ? [i] : []));
    if (lost.length > 0) {
      const again = lost.map((i) => entries[i] as StoredTrace);
      await this.relocate(again);
      const found = await this.fromLines(again);
      lost.forEach((i, k) => (out[i] = found[k] ?? (entries[i] as StoredTrace).record));
    }
    return out as TraceRecord[];
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

  private async fromLines(entries: StoredTrace[]): Promise<(TraceRecord | undefined)[]> {
    // Lines still in memory are read now: once the file holds one, its bytes go back to a slab for other lines.
    const out = entries.map((stored) => (stored.line === undefined ? undefined : fullTrace(stored)));
    const onFile = entries.flatMap((stored, i) => (stored.line === undefined && stored.place ? [i] : []));
    if (onFile.length > 0 && this.log.readLines) {
      const read = await this.log.readLines(onFile.map((i) => (entries[i] as StoredTrace).place as LinePlace));
      onFile.forEach((i, k) => (out[i] = fullTrace(entries[i] as StoredTrace, read[k])));
    }
    return entries.map((stored, i) => (hasBody(stored) ? out[i] : stored.record));
  }

  /** Notes again where the file holds the lines of `lost` (one scan of the file). */
  private async relocate(lost: StoredTrace[]): Promise<void> {
    const byId = new Map(lost.filter(hasBody).map((stored) => [stored.record.id, stored]));
    if (byId.size === 0 || !this.log.readLines) return;
    await this.log.readAll((trace, _line, place) => {
      const stored = byId.get(trace.id);
      if (stored && place && stored.line === undefined) stored.place = place;
    });
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
        // Traces that arrived meanwhile may already call for the next one.
        this.compactIfNeeded();
      });
  }
}

/** Once the file holds a trace's line, memory keeps only where. */
function forgetLine(stored: StoredTrace, place: LinePlace): void {
  stored.place = place;
  stored.line = undefined;
}
