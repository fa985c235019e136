import type { promises as fsp } from 'node:fs';

/**
 * Where a line of a JSON Lines log lies: `offset` bytes into the file as it was in `epoch` (every rewrite of the
 * file starts a new epoch), `length` bytes long without its newline.
 */
export interface LinePlace {
  readonly epoch: number;
  readonly offset: number;
  readonly length: number;
}

/** A line handed over encoded whose writer wants to know where it lands. */
export interface PlacedLine {
  readonly line: Buffer;
  readonly placed: (place: LinePlace) => void;
}

/** A buffered line: serialised by the log (string), handed over encoded (Buffer), or that and a placement wish. */
export type PendingLine = string | Buffer | PlacedLine;

function bytesOf(pending: PendingLine): Buffer | undefined {
  if (typeof pending === 'string') return undefined;
  return Buffer.isBuffer(pending) ? pending : pending.line;
}

/**
 * The buffered lines as write chunks: runs of serialised lines joined and encoded once (small records), lines
 * handed over encoded passed through uncopied (a trace's, up to megabytes).
 */
export function toChunks(prefix: string, lines: PendingLine[]): Buffer[] {
  const chunks: Buffer[] = [];
  let text = prefix;
  for (const pending of lines) {
    const bytes = bytesOf(pending);
    if (bytes === undefined) {
      text += pending as string;
      continue;
    }
    if (text !== '') chunks.push(Buffer.from(text, 'utf8'));
    text = '';
    const last = chunks.at(-1);
    // Lines carved one after another from the same memory (a slab) go out as one piece.
    if (last && last.buffer === bytes.buffer && last.byteOffset + last.length === bytes.byteOffset) {
      chunks[chunks.length - 1] = Buffer.from(last.buffer, last.byteOffset, last.length + bytes.length);
    } else {
      chunks.push(bytes);
    }
  }
  if (text !== '') chunks.push(Buffer.from(text, 'utf8'));
  return chunks;
}

/** Tells each placed line where it landed, the lines having been written in this order from `start` on. */
export function notePlaces(lines: PendingLine[], start: number, epoch: number): void {
  if (!lines.some((pending) => typeof pending === 'object' && !Buffer.isBuffer(pending))) return;
  let at = start;
  for (const pending of lines) {
    const bytes = bytesOf(pending);
    const length = bytes === undefined ? Buffer.byteLength(pending as string, 'utf8') : bytes.length;
    if (bytes !== undefined && !Buffer.isBuffer(pending))
      (pending as PlacedLine).placed({ epoch, offset: at, length: length - 1 });
    at += length;
  }
}

/** At most this many buffers per writev (the usual IOV_MAX is 1024). */
const WRITEV_MAX = 512;

/** Writes every chunk in order, resuming after a short write. */
export async function writeAll(handle: fsp.FileHandle, chunks: Buffer[]): Promise<void> {
  let pending = chunks;
  while (pending.length > 0) {
    const batch = pending.slice(0, WRITEV_MAX);
    const { bytesWritten } = await handle.writev(batch);
    if (bytesWritten === 0) throw new Error('writev wrote nothing');
    let left = bytesWritten;
    let done = 0;
    while (done < batch.length && left >= (batch[done] as Buffer).length) left -= (batch[done++] as Buffer).length;
    const rest = pending.slice(done);
    if (left > 0) rest[0] = (rest[0] as Buffer).subarray(left);
    pending = rest;
  }
}

/**
 * Where lines written in one epoch are in later ones. A rewrite that keeps the file's tail shifts every kept line
 * back by the bytes it cut; one that may have dropped lines in between leaves no way to follow older places.
 */
export class EpochShifts {
  /** cut[e]: bytes cut from the front by the rewrites up to the start of epoch e. */
  private readonly cut: number[] = [0];
  private followableFrom = 0;

  get current(): number {
    return this.cut.length - 1;
  }

  /** A rewrite kept the file's tail from `offset` on (undefined: it kept lines that no offset describes). */
  rewrote(offset: number | undefined): void {
    const total = this.cut[this.current] as number;
    this.cut.push(total + (offset ?? 0));
    if (offset === undefined) this.followableFrom = this.current;
  }

  /** Where `place` is in the current file, undefined when that is unknown or cut. */
  offsetNow(place: LinePlace): number | undefined {
    if (place.epoch < this.followableFrom || place.epoch > this.current) return undefined;
    const offset = place.offset - ((this.cut[this.current] as number) - (this.cut[place.epoch] as number));
    return offset >= 0 ? offset : undefined;
  }
}
