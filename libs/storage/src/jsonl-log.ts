import { promises as fsp } from 'node:fs';
import { dirname } from 'node:path';
import {
  DEFAULT_FILE_MODE,
  commitTemp,
  ensureDir,
  fsyncDir,
  isNotFound,
  openTemp,
  removeStaleTemps,
  tightenMode,
} from './fs-utils';
import { parseJsonLine, scanLines } from './line-scanner';

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

interface FileSnapshot {
  handle: fsp.FileHandle;
  /** Bytes to read: the file as it was when the snapshot was taken. */
  size: number;
}

const NEWLINE = 0x0a;

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
  private buffer: string[] = [];
  private timer: NodeJS.Timeout | undefined;
  private backgroundFlushQueued = false;
  private queue: Promise<void> = Promise.resolve();
  private prepared = false;
  /** False until we know the file ends with a newline (a crash may have torn its last line). */
  private tailChecked = false;
  private dirSynced = false;
  /** Valid records in the file, once a scan has told us. */
  private fileRecords: number | undefined;
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
    this.buffer.push(json + '\n');
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

  /** Streams every valid record to `onRecord` (appended records are flushed first). */
  async readAll(onRecord: (record: T) => void): Promise<ReadAllResult> {
    const snapshot = await this.enqueue(async () => {
      await this.writeBuffered();
      return this.openSnapshot();
    });
    if (!snapshot) return { records: 0, skipped: 0 };
    // Scanned outside the queue so appends continue; the snapshot size fences off newer bytes,
    // and a concurrent retain() renames a new file in, leaving our open handle on the old one.
    try {
      return await this.scanRecords(snapshot, (value) => onRecord(value as T));
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
        } else {
          try {
            this.fileRecords = (await this.scanRecords(snapshot, () => undefined)).records;
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
        const { records, skipped } = await this.scanRecords(snapshot, () => undefined);
        if (records <= n && skipped === 0) {
          this.fileRecords = records;
          return;
        }
        await this.rewriteWithout(snapshot, Math.max(0, records - n));
        this.fileRecords = Math.min(records, n);
        this.tailChecked = true;
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
    try {
      const prefix = !this.tailChecked && (await this.endsWithTornLine()) ? '\n' : '';
      handle = await fsp.open(this.path, 'a', this.mode);
      await handle.appendFile(prefix + lines.join(''), 'utf8');
    } catch (error) {
      // Nothing (or a fragment) reached the file: keep the records for the next flush, and look at
      // the tail again because a fragment may now end the file without a newline.
      this.buffer = lines.concat(this.buffer);
      this.tailChecked = false;
      await handle?.close().catch(() => undefined);
      throw error;
    }
    this.tailChecked = true;
    if (this.fileRecords !== undefined) this.fileRecords += lines.length;
    try {
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
      if (snapshot.size === 0) return false;
      const last = Buffer.alloc(1);
      await snapshot.handle.read(last, 0, 1, snapshot.size - 1);
      return last[0] !== NEWLINE;
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

  private async scanRecords(snapshot: FileSnapshot, onValue: (value: unknown) => void): Promise<ReadAllResult> {
    const result: ReadAllResult = { records: 0, skipped: 0 };
    await scanLines(snapshot.handle, snapshot.size, (line) => {
      const parsed = parseJsonLine(line);
      if (parsed.kind === 'invalid') result.skipped += 1;
      if (parsed.kind !== 'record') return;
      result.records += 1;
      onValue(parsed.value);
    });
    return result;
  }

  /** Copies the valid records after the first `drop` into a temp file, then renames it over the log. */
  private async rewriteWithout(snapshot: FileSnapshot, drop: number): Promise<void> {
    const temp = await openTemp(this.path, this.mode);
    let seen = 0;
    let pending: string[] = [];
    const writePending = async (): Promise<void> => {
      if (pending.length === 0) return;
      const text = pending.join('');
      pending = [];
      await temp.handle.writeFile(text, 'utf8');
    };
    try {
      await scanLines(
        snapshot.handle,
        snapshot.size,
        (line) => {
          if (parseJsonLine(line).kind !== 'record') return;
          seen += 1;
          if (seen > drop) pending.push(line + '\n');
        },
        writePending,
      );
      await writePending();
    } catch (error) {
      await temp.handle.close().catch(() => undefined);
      await fsp.rm(temp.path, { force: true });
      throw error;
    }
    await commitTemp(temp, this.path);
  }
}
