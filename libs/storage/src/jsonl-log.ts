import { promises as fsp } from 'node:fs';
import { dirname } from 'node:path';
import { DEFAULT_FILE_MODE, ensureDir, fsyncDir, isNotFound, removeStaleTemps, tightenMode } from './fs-utils';
import {
  type FileSnapshot,
  NEWLINE,
  copyRange,
  copyRecords,
  lastByte,
  newestLinesOffset,
  readAt,
  replaceAtomically,
} from './file-ranges';
import { parseJsonLine, scanLines } from './line-scanner';
import { EpochShifts, type LinePlace, type PendingLine, notePlaces, toChunks, writeAll } from './line-writes';

export interface JsonlLogOptions {
  /** How long an appended record may wait in memory before a background flush. Default 100 ms. */
  flushIntervalMs?: number;
  /** Flush early once this many records are buffered. Default 500. */
  maxBuffered?: number;
  /** File permissions; default 0600 (logs may hold request bodies). */
  mode?: number;
  /** Told about failed background flushes (the records stay buffered and are retried). */
  onError?: (error: unknown) => void;
}

export interface ReadAllResult {
  records: number;
  /** Torn or non-JSON lines that were passed over. */
  skipped: number;
}

interface ScanResult extends ReadAllResult {
  blank: number;
  /** Indexes (in file order) of the lines that are not records. */
  nonRecordLines: number[];
}

/**
 * An append-only JSON Lines file. `append` only buffers (never blocks the caller); a timer or a
 * full buffer flushes in the background. Every file operation (flush, retain, the start of a
 * read) runs on one serial queue, so appends and rewrites never interleave.
 */
export class JsonlLog<T> {
  private readonly flushIntervalMs: number;
  private readonly maxBuffered: number;
  private readonly mode: number;
  private readonly onError: (error: unknown) => void;
  /** Lines waiting for the next flush: serialised here (strings) or handed over encoded (appendLine). */
  private buffer: PendingLine[] = [];
  /** The file's size as this log left it (undefined: ask the file), so a flush knows where its lines land. */
  private size: number | undefined;
  private readonly shifts = new EpochShifts();
  private timer: NodeJS.Timeout | undefined;
  private backgroundFlushQueued = false;
  private queue: Promise<void> = Promise.resolve();
  private prepared = false;
  /** False until we know the file ends with a newline (a crash may have torn its last line). */
  private tailChecked = false;
  private dirSynced = false;
  /** Valid records in the file, once a scan has told us. */
  private fileRecords: number | undefined;
  /**
   * Every line of the file is a record: a full scan found no torn or blank line, and since then only
   * this log wrote to it. retain() then counts and cuts by newline offsets instead of parsing.
   */
  private linesAreRecords = false;
  /** Failed appends so far: one may have left a fragment, so a scan begun before it proves nothing. */
  private failedWrites = 0;
  private closing: Promise<void> | undefined;

  constructor(
    readonly path: string,
    opts: JsonlLogOptions = {},
  ) {
    this.flushIntervalMs = opts.flushIntervalMs ?? 100;
    this.maxBuffered = Math.max(1, opts.maxBuffered ?? 500);
    this.mode = opts.mode ?? DEFAULT_FILE_MODE;
    this.onError =
      opts.onError ??
      ((error) => process.emitWarning(`JsonlLog: flush of ${this.path} failed: ${(error as Error).message}`));
  }

  /** Buffers one record as one line. Throws only for a closed log or a value JSON cannot hold. */
  append(record: T): void {
    if (this.closing) throw new Error(`JsonlLog ${this.path} is closed`);
    const json: string | undefined = JSON.stringify(record);
    if (json === undefined) throw new TypeError(`Cannot append ${typeof record} to ${this.path}`);
    this.buffered(json + '\n');
  }

  /**
   * Buffers one record its caller already serialised: one JSON value in UTF-8 ending in its only newline (not
   * checked). The bytes are written as they are, so the caller must not change them afterwards.
   */
  appendLine(line: Buffer, placed?: (place: LinePlace) => void): void {
    if (this.closing) throw new Error(`JsonlLog ${this.path} is closed`);
    this.buffered(placed ? { line, placed } : line);
  }

  /**
   * The lines at `places` (as appendLine or readAll told them), read from the file after every earlier file
   * operation; undefined for a place the file no longer holds as it was (cut, or rewritten past following).
   */
  readLines(places: LinePlace[]): Promise<(Buffer | undefined)[]> {
    return this.enqueue(async () => {
      const snapshot = await this.openSnapshot();
      if (!snapshot) return places.map(() => undefined);
      try {
        const out: (Buffer | undefined)[] = [];
        for (const place of places) {
          const offset = this.shifts.offsetNow(place);
          if (offset === undefined || offset + place.length > snapshot.size) out.push(undefined);
          else out.push(await readAt(snapshot.handle, Buffer.allocUnsafe(place.length), offset, place.length));
        }
        return out;
      } finally {
        await snapshot.handle.close();
      }
    });
  }

  private buffered(line: PendingLine): void {
    this.buffer.push(line);
    if (this.buffer.length >= this.maxBuffered) {
      this.flushInBackground();
    } else if (!this.timer) {
      this.timer = setTimeout(() => {
        this.timer = undefined;
        this.flushInBackground();
      }, this.flushIntervalMs);
      // A pending flush must not keep the process alive; shutdown calls close().
      this.timer.unref();
    }
  }

  /** Resolves when every record appended before the call is written and fsynced. */
  flush(): Promise<void> {
    return this.enqueue(() => this.writeBuffered());
  }

  /**
   * Streams every valid record to `onRecord`, with the line it was parsed from and where that line lies (appended
   * records are flushed first).
   */
  async readAll(onRecord: (record: T, line: string, place: LinePlace) => void): Promise<ReadAllResult> {
    let failedWritesBefore = 0;
    let epoch = 0;
    const snapshot = await this.enqueue(async () => {
      await this.writeBuffered();
      failedWritesBefore = this.failedWrites;
      epoch = this.shifts.current;
      return this.openSnapshot();
    });
    if (!snapshot) {
      // No file yet: every line it will hold is one this log writes.
      if (this.failedWrites === failedWritesBefore) this.linesAreRecords = true;
      return { records: 0, skipped: 0 };
    }
    // Scanned outside the queue so appends continue; the snapshot size fences off newer bytes,
    // and a concurrent retain() renames a new file in, leaving our open handle on the old one.
    try {
      const result = await this.scanRecords(snapshot, (value, line, offset, length) =>
        onRecord(value as T, line, { epoch, offset, length }),
      );
      if (this.failedWrites === failedWritesBefore) this.noteScan(result);
      return { records: result.records, skipped: result.skipped };
    } finally {
      await snapshot.handle.close();
    }
  }

  /** Records in the file plus those still buffered (scans the file once, then keeps count). */
  count(): Promise<number> {
    return this.enqueue(async () => {
      await this.writeBuffered();
      if (this.fileRecords === undefined) {
        const snapshot = await this.openSnapshot();
        if (!snapshot) {
          this.fileRecords = 0;
          this.linesAreRecords = true;
        } else {
          try {
            const result = await this.scanRecords(snapshot, () => undefined);
            this.noteScan(result);
            this.fileRecords = result.records;
          } finally {
            await snapshot.handle.close();
          }
        }
      }
      return this.fileRecords + this.buffer.length;
    });
  }

  /**
   * Atomically rewrites the file keeping only the newest `n` records (dropping torn lines too).
   * Records appended until the rewrite starts count among them; later ones are appended after it.
   */
  retain(n: number): Promise<void> {
    if (!Number.isInteger(n) || n < 0) return Promise.reject(new RangeError(`retain(n) needs n >= 0 (got ${n})`));
    return this.enqueue(async () => {
      // Buffered records go in first; appends made during the rewrite wait in the buffer for the new file.
      await this.writeBuffered();
      const snapshot = await this.openSnapshot();
      if (!snapshot) return;
      try {
        // Once every other line is known to be a record, only the final one can be torn: check just that one.
        if (this.linesAreRecords && (await lastByte(snapshot)) === NEWLINE) await this.cutByOffsets(snapshot, n);
        else await this.cutByParsing(snapshot, n);
      } finally {
        await snapshot.handle.close();
      }
    });
  }

  /** Flushes what is buffered and stops the timer; later appends throw. */
  close(): Promise<void> {
    if (!this.closing) {
      if (this.timer) clearTimeout(this.timer);
      this.timer = undefined;
      this.closing = this.flush();
    }
    return this.closing;
  }

  private flushInBackground(): void {
    if (this.backgroundFlushQueued) return;
    this.backgroundFlushQueued = true;
    this.flush().catch((error: unknown) => this.onError(error));
  }

  /** Runs `op` after every earlier file operation, whether they succeeded or not. */
  private enqueue<R>(op: () => Promise<R>): Promise<R> {
    const run = this.queue.then(async () => {
      await this.prepare();
      return op();
    });
    this.queue = run.then(
      () => undefined,
      () => undefined,
    );
    return run;
  }

  private async prepare(): Promise<void> {
    if (this.prepared) return;
    await ensureDir(dirname(this.path));
    await removeStaleTemps(this.path);
    await tightenMode(this.path, this.mode);
    this.prepared = true;
  }

  /** Appends the buffer with one write + fsync. Must run on the queue. */
  private async writeBuffered(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.backgroundFlushQueued = false;
    if (this.buffer.length === 0) return;
    const lines = this.buffer;
    this.buffer = [];
    let handle: fsp.FileHandle | undefined;
    let linesStart = 0;
    try {
      const prefix = !this.tailChecked && (await this.endsWithTornLine()) ? '\n' : '';
      handle = await fsp.open(this.path, 'a', this.mode);
      const before = this.size ?? (await handle.stat()).size;
      const chunks = toChunks(prefix, lines);
      await writeAll(handle, chunks);
      this.size = chunks.reduce((size, chunk) => size + chunk.length, before);
      linesStart = before + prefix.length;
    } catch (error) {
      // Nothing (or a fragment) reached the file: keep the records for the next flush, and look at
      // the tail again because a fragment may now end the file without a newline.
      this.buffer = lines.concat(this.buffer);
      this.size = undefined;
      this.tailChecked = false;
      this.linesAreRecords = false;
      this.failedWrites += 1;
      await handle?.close().catch(() => undefined);
      throw error;
    }
    this.tailChecked = true;
    if (this.fileRecords !== undefined) this.fileRecords += lines.length;
    try {
      notePlaces(lines, linesStart, this.shifts.current);
      await handle.datasync();
      if (!this.dirSynced) await fsyncDir(dirname(this.path));
      this.dirSynced = true;
    } finally {
      await handle.close();
    }
  }

  private async endsWithTornLine(): Promise<boolean> {
    const snapshot = await this.openSnapshot();
    if (!snapshot) return false;
    try {
      const last = await lastByte(snapshot);
      return last !== undefined && last !== NEWLINE;
    } finally {
      await snapshot.handle.close();
    }
  }

  private async openSnapshot(): Promise<FileSnapshot | undefined> {
    let handle: fsp.FileHandle;
    try {
      handle = await fsp.open(this.path, 'r');
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw error;
    }
    try {
      return { handle, size: (await handle.stat()).size };
    } catch (error) {
      await handle.close();
      throw error;
    }
  }

  /** Parses every line; the indexes of the lines that are not records let a rewrite skip them unparsed. */
  private async scanRecords(
    snapshot: FileSnapshot,
    onValue: (value: unknown, line: string, offset: number, length: number) => void,
  ): Promise<ScanResult> {
    const result: ScanResult = { records: 0, skipped: 0, blank: 0, nonRecordLines: [] };
    let index = 0;
    await scanLines(snapshot.handle, snapshot.size, (line, offset, length) => {
      const parsed = parseJsonLine(line);
      if (parsed.kind === 'record') {
        result.records += 1;
        onValue(parsed.value, line, offset, length);
      } else {
        result[parsed.kind === 'invalid' ? 'skipped' : 'blank'] += 1;
        result.nonRecordLines.push(index);
      }
      index += 1;
    });
    return result;
  }

  /** A whole-file scan that found only records lets retain() skip parsing from now on. */
  private noteScan(result: ScanResult): void {
    if (result.skipped === 0 && result.blank === 0) this.linesAreRecords = true;
  }

  /** retain() on whole record lines: the newest `n` start after the (n + 1)th newline from the end; copy those bytes. */
  private async cutByOffsets(snapshot: FileSnapshot, n: number): Promise<void> {
    const cut = await newestLinesOffset(snapshot, n);
    if (cut.offset === undefined) {
      this.fileRecords = cut.lines;
      return;
    }
    await replaceAtomically(this.path, this.mode, (temp) => copyRange(snapshot, cut.offset, temp));
    this.shifts.rewrote(cut.offset);
    this.size = snapshot.size - cut.offset;
    this.fileRecords = n;
    this.tailChecked = true;
  }

  /** retain() when lines may be torn or blank: one parsing scan, then a copy that skips what it found. */
  private async cutByParsing(snapshot: FileSnapshot, n: number): Promise<void> {
    const scan = await this.scanRecords(snapshot, () => undefined);
    if (scan.records <= n && scan.skipped === 0) {
      this.fileRecords = scan.records;
      this.noteScan(scan);
      return;
    }
    const drop = Math.max(0, scan.records - n);
    await replaceAtomically(this.path, this.mode, (temp) => copyRecords(snapshot, scan.nonRecordLines, drop, temp));
    this.shifts.rewrote(undefined);
    this.size = undefined;
    this.fileRecords = Math.min(scan.records, n);
    this.tailChecked = true;
    this.linesAreRecords = true;
  }
}
