import type { promises as fsp } from 'node:fs';

const CHUNK_BYTES = 256 * 1024;
const NEWLINE = 0x0a;

/**
 * Calls `onLine` for each line of the first `end` bytes of a file, holding only one chunk (plus
 * one partial line) in memory, so multi-GB logs can be scanned. Lines are split on bytes before
 * UTF-8 decoding, so a character straddling two chunks is never mangled. The text after the last
 * newline (a torn write) is delivered too; callers decide whether it parses. Each line comes with
 * where it starts in the file and its length in bytes (without the newline).
 * `afterChunk` lets a caller do async work (e.g. write out what it kept) between chunks.
 */
export async function scanLines(
  handle: fsp.FileHandle,
  end: number,
  onLine: (line: string, offset: number, bytes: number) => void,
  afterChunk?: () => Promise<void>,
): Promise<void> {
  const chunk = Buffer.allocUnsafe(CHUNK_BYTES);
  let carry: Buffer[] = [];
  let position = 0;
  let lineStart = 0;
  while (position < end) {
    const { bytesRead } = await handle.read(chunk, 0, Math.min(CHUNK_BYTES, end - position), position);
    if (bytesRead === 0) break;
    const chunkStart = position;
    position += bytesRead;
    const view = chunk.subarray(0, bytesRead);
    let start = 0;
    for (let nl = view.indexOf(NEWLINE); nl !== -1; nl = view.indexOf(NEWLINE, start)) {
      const piece = view.subarray(start, nl);
      const text = carry.length > 0 ? Buffer.concat([...carry, piece]).toString('utf8') : piece.toString('utf8');
      onLine(text, lineStart, chunkStart + nl - lineStart);
      carry = [];
      start = nl + 1;
      lineStart = chunkStart + start;
    }
    // Copy: `chunk` is reused by the next read.
    if (start < bytesRead) carry.push(Buffer.from(view.subarray(start)));
    if (afterChunk) await afterChunk();
  }
  if (carry.length > 0) onLine(Buffer.concat(carry).toString('utf8'), lineStart, position - lineStart);
}

export type ParsedLine = { kind: 'record'; value: unknown } | { kind: 'blank' } | { kind: 'invalid' };

/** Classifies one JSONL line; a torn or non-JSON line is `invalid`, never an exception. */
export function parseJsonLine(line: string): ParsedLine {
  if (line.trim() === '') return { kind: 'blank' };
  try {
    return { kind: 'record', value: JSON.parse(line) as unknown };
  } catch {
    return { kind: 'invalid' };
  }
}
