import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { TempDir, tempDir } from '@mcp/testing';
import type { LinePlace } from './line-writes';
import { RotatingJsonlLog } from './rotating-jsonl-log';

const HOUR = 3_600_000;

describe('RotatingJsonlLog', () => {
  let dir: TempDir;
  let path: string;
  beforeEach(() => {
    dir = tempDir('mcp-rotating-');
    path = join(dir.path, 'log.jsonl');
  });
  afterEach(() => dir.cleanup());

  const line = (n: number): Buffer => Buffer.from(`${JSON.stringify({ n })}\n`);
  const readBack = async (log: RotatingJsonlLog<{ n: number }>): Promise<number[]> => {
    const ns: number[] = [];
    await log.readAll((record) => ns.push(record.n));
    return ns;
  };

  it('reads lines back by place in either segment, and none from a segment rotation dropped', async () => {
    const log = new RotatingJsonlLog<{ n: number }>(path, { flushIntervalMs: HOUR, segmentRecords: 2 });
    const places: LinePlace[] = [];
    for (let n = 1; n <= 5; n++) log.appendLine(line(n), (place) => (places[n] = place));
    await log.flush();
    expect(await readBack(log)).toEqual([3, 4, 5]);
    const read = await log.readLines([1, 2, 3, 4, 5].map((n) => places[n] as LinePlace));
    expect(read.map((bytes) => bytes?.toString())).toEqual([undefined, undefined, '{"n":3}', '{"n":4}', '{"n":5}']);
    await log.close();
  });

  it('keeps appending to the same file when the rename fails, and loses nothing', async () => {
    // A non-empty directory where the previous segment goes: rename(2) refuses to replace it.
    mkdirSync(`${path}.1`);
    writeFileSync(join(`${path}.1`, 'keep'), 'x');
    const errors: unknown[] = [];
    const log = new RotatingJsonlLog<{ n: number }>(path, {
      flushIntervalMs: HOUR,
      segmentRecords: 2,
      onError: (error) => errors.push(error),
    });
    const places: LinePlace[] = [];
    for (let n = 1; n <= 4; n++) log.appendLine(line(n), (place) => (places[n] = place));
    await log.flush();
    expect(errors.length).toBeGreaterThan(0);
    expect((errors[0] as NodeJS.ErrnoException).code).toBe('EISDIR');
    const read = await log.readLines([1, 2, 3, 4].map((n) => places[n] as LinePlace));
    expect(read.map((bytes) => bytes?.toString())).toEqual(['{"n":1}', '{"n":2}', '{"n":3}', '{"n":4}']);
    await log.close();
    rmSync(`${path}.1`, { recursive: true });
    expect(await readBack(new RotatingJsonlLog<{ n: number }>(path))).toEqual([1, 2, 3, 4]);
  });
});
