import { promises as fsp } from 'node:fs';
import { dirname } from 'node:path';
import { CorruptFileError } from './errors';
import { DEFAULT_FILE_MODE, ensureDir, isNotFound, removeStaleTemps, tightenMode, writeFileAtomic } from './fs-utils';

export interface JsonDocumentStoreOptions {
  /** File permissions; default 0600 because stored documents hold secrets. */
  mode?: number;
}

interface Waiter {
  resolve: () => void;
  reject: (error: unknown) => void;
}

/** The newest document not yet handed to the writer, with everyone waiting for it (or a later one). */
interface PendingWrite {
  json: string;
  waiters: Waiter[];
}

/**
 * One JSON document on disk, replaced atomically on every write.
 * Writes are serialised; when several queue up only the newest is written, and each caller
 * resolves once a document at least as new as its own is durable.
 */
export class JsonDocumentStore<T> {
  private readonly mode: number;
  private pending: PendingWrite | undefined;
  private draining: Promise<unknown> | undefined;
  private prepared: Promise<void> | undefined;
  /** Set once read() found the file corrupt: from then on writes refuse rather than clobber it. */
  private corruption: CorruptFileError | undefined;

  constructor(
    readonly path: string,
    opts: JsonDocumentStoreOptions = {},
  ) {
    this.mode = opts.mode ?? DEFAULT_FILE_MODE;
  }

  /** The stored document, or undefined when the file does not exist. Throws CorruptFileError on bad JSON. */
  async read(): Promise<T | undefined> {
    await this.prepare();
    // Read-your-writes: a read issued after write() must not see the older file.
    await this.draining;
    let text: string;
    try {
      text = await fsp.readFile(this.path, 'utf8');
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw error;
    }
    try {
      return JSON.parse(text) as T;
    } catch (error) {
      this.corruption = new CorruptFileError(this.path, (error as Error).message);
      throw this.corruption;
    }
  }

  /**
   * Resolves once `doc` (or a newer document queued after it) is durably on disk.
   * Rejects with the CorruptFileError if this store's read() found the existing file corrupt.
   */
  write(doc: T): Promise<void> {
    if (this.corruption) return Promise.reject(this.corruption);
    let json: string;
    try {
      // Snapshot now: the caller may keep mutating the object after write() returns.
      const text: string | undefined = JSON.stringify(doc, null, 2);
      if (text === undefined) throw new TypeError(`Cannot store ${typeof doc} in ${this.path}`);
      json = text + '\n';
    } catch (error) {
      return Promise.reject(error);
    }
    return new Promise<void>((resolve, reject) => {
      const waiter = { resolve, reject };
      if (this.pending) {
        this.pending.json = json;
        this.pending.waiters.push(waiter);
      } else {
        this.pending = { json, waiters: [waiter] };
      }
      this.draining ??= this.drain();
    });
  }

  /** Resolves when every queued write is on disk; rejects if the newest one failed. */
  async flush(): Promise<void> {
    const lastError = await this.draining;
    if (lastError !== undefined) throw lastError;
  }

  /** Writes queued documents one at a time until the queue is empty; returns the last batch's error. */
  private async drain(): Promise<unknown> {
    let lastError: unknown;
    while (this.pending) {
      const batch = this.pending;
      this.pending = undefined;
      try {
        await this.prepare();
        await writeFileAtomic(this.path, batch.json, this.mode);
        lastError = undefined;
        for (const w of batch.waiters) w.resolve();
      } catch (error) {
        lastError = error;
        for (const w of batch.waiters) w.reject(error);
      }
    }
    this.draining = undefined;
    return lastError;
  }

  /** Once per instance, before the first read or write: make the directory, clear crash leftovers. */
  private prepare(): Promise<void> {
    this.prepared ??= (async () => {
      await ensureDir(dirname(this.path));
      await removeStaleTemps(this.path);
      await tightenMode(this.path, this.mode);
    })().catch((error: unknown) => {
      // Let a later call retry (e.g. the directory was fixed) instead of failing forever.
      this.prepared = undefined;
      throw error;
    });
    return this.prepared;
  }
}
