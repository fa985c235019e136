import { promises as fsp } from 'node:fs';
import { commitTemp, openTemp } from './fs-utils';
import { scanLines } from './line-scanner';

// The byte-range work of JsonlLog's rewrites and reads: a snapshot of the file, read backwards, copied forwards.

export interface FileSnapshot {
  handle: fsp.FileHandle;
  /** Bytes to read: the file as it was when the snapshot was taken. */
  size: number;
}

export const NEWLINE = 0x0a;
const CHUNK_BYTES = 256 * 1024;

/** The last byte of the file, undefined when it is empty. */
export async function lastByte(snapshot: FileSnapshot): Promise<number | undefined> {
  if (snapshot.size === 0) return undefined;
  const last = Buffer.alloc(1);
  await snapshot.handle.read(last, 0, 1, snapshot.size - 1);
  return last[0];
}

/** Where the newest `n` lines start, reading backwards; with no more than `n` lines, how many there are. */
export async function newestLinesOffset(
  snapshot: FileSnapshot,
  n: number,
): Promise<{ offset: number } | { offset?: undefined; lines: number }> {
  const chunk = Buffer.allocUnsafe(CHUNK_BYTES);
  let newlines = 0;
  for (let end = snapshot.size; end > 0;) {
    const start = Math.max(0, end - CHUNK_BYTES);
    const view = await readAt(snapshot.handle, chunk, start, end - start);
    for (let at = view.length - 1; at >= 0;) {
      const nl = view.lastIndexOf(NEWLINE, at);
      if (nl === -1) break;
      newlines += 1;
      if (newlines === n + 1) return { offset: start + nl + 1 };
      at = nl - 1;
    }
    end = start;
  }
  return { lines: newlines };
}

/** Reads `length` bytes at `position` (fewer only at the end of the file). */
export async function readAt(
  handle: fsp.FileHandle,
  buffer: Buffer,
  position: number,
  length: number,
): Promise<Buffer> {
  let filled = 0;
  while (filled < length) {
    const { bytesRead } = await handle.read(buffer, filled, length - filled, position + filled);
    if (bytesRead === 0) break;
    filled += bytesRead;
  }
  return buffer.subarray(0, filled);
}

/** Copies the snapshot's bytes from `from` to its end, unparsed. */
export async function copyRange(snapshot: FileSnapshot, from: number, target: fsp.FileHandle): Promise<void> {
  const chunk = Buffer.allocUnsafe(CHUNK_BYTES);
  for (let position = from; position < snapshot.size;) {
    const view = await readAt(snapshot.handle, chunk, position, Math.min(CHUNK_BYTES, snapshot.size - position));
    if (view.length === 0) break;
    await target.writeFile(view);
    position += view.length;
  }
}

/** Copies the records after the first `drop`, skipping the lines a scan found not to be records (sorted indexes). */
export async function copyRecords(
  snapshot: FileSnapshot,
  nonRecordLines: number[],
  drop: number,
  target: fsp.FileHandle,
): Promise<void> {
  let index = 0;
  let nextNonRecord = 0;
  let seen = 0;
  let pending: string[] = [];
  const writePending = async (): Promise<void> => {
    if (pending.length === 0) return;
    const text = pending.join('');
    pending = [];
    await target.writeFile(text, 'utf8');
  };
  await scanLines(
    snapshot.handle,
    snapshot.size,
    (line) => {
      const isRecord = nonRecordLines[nextNonRecord] !== index;
      index += 1;
      if (!isRecord) nextNonRecord += 1;
      else if (++seen > drop) pending.push(line + '\n');
    },
    writePending,
  );
  await writePending();
}

/** Fills a temp file beside `path`, then fsyncs and renames it over `path` (removed again on failure). */
export async function replaceAtomically(
  path: string,
  mode: number,
  fill: (handle: fsp.FileHandle) => Promise<void>,
): Promise<void> {
  const temp = await openTemp(path, mode);
  try {
    await fill(temp.handle);
  } catch (error) {
    await temp.handle.close().catch(() => undefined);
    await fsp.rm(temp.path, { force: true });
    throw error;
  }
  await commitTemp(temp, path);
}
