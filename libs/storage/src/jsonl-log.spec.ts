import { appendFileSync, existsSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { TempDir, eventually, tempDir } from '@mcp/testing';
import { JsonlLog, ReadAllResult } from './jsonl-log';
import type { LinePlace } from './line-writes';

interface Rec {
  n: number;
  text?: string;
}

const HOUR = 3_600_000;

describe('JsonlLog', () => {
  let dir: TempDir;
  let path: string;
  const logs: Array<JsonlLog<Rec>> = [];

  const open = (opts: ConstructorParameters<typeof JsonlLog>[1] = {}): JsonlLog<Rec> => {
    const log = new JsonlLog<Rec>(path, { flushIntervalMs: HOUR, ...opts });
    logs.push(log);
    return log;
  };
  const readBack = async (log = open()): Promise<{ ns: number[] } & ReadAllResult> => {
    const ns: number[] = [];
    const result = await log.readAll((r) => ns.push(r.n));
    return { ns, ...result };
  };
  const appendRange = (log: JsonlLog<Rec>, from: number, to: number): void => {
    for (let n = from; n <= to; n += 1) log.append({ n });
  };
  const range = (from: number, to: number): number[] => Array.from({ length: to - from + 1 }, (_, i) => from + i);

  beforeEach(() => {
    dir = tempDir('mcp-jsonl-');
    path = join(dir.path, 'log.jsonl');
  });

  afterEach(async () => {
    await Promise.all(logs.splice(0).map((log) => log.close().catch(() => undefined)));
    dir.cleanup();
  });

  it('buffers appends off the caller and writes one line per record on flush, mode 0600', async () => {
    const log = open();
    log.append({ n: 1, text: 'multi\nline é😀' });
    log.append({ n: 2 });
    expect(existsSync(path)).toBe(false);
    await log.flush();
    const lines = readFileSync(path, 'utf8').split('\n');
    expect(lines).toEqual(['{"n":1,"text":"multi\\nline é😀"}', '{"n":2}', '']);
    expect(statSync(path).mode & 0o777).toBe(0o600);
  });

  it('writes lines handed over encoded among serialised ones, in append order, and reads each back with its text', async () => {
    const log = open({ maxBuffered: 2000 });
    const encoded = (n: number): Buffer => Buffer.from(`{"n":${n},"text":"é😀 ${'x'.repeat(n % 7)}"}\n`, 'utf8');
    for (let n = 1; n <= 1200; n += 1) {
      if (n % 3 === 0) log.append({ n });
      else log.appendLine(encoded(n));
    }
    await log.flush();
    const seen: Array<{ n: number; line: string }> = [];
    await log.readAll((record, line) => seen.push({ n: record.n, line }));
    expect(seen.map((s) => s.n)).toEqual(range(1, 1200));
    expect(seen[0]?.line).toBe('{"n":1,"text":"é😀 x"}');
    expect(seen[2]?.line).toBe('{"n":3}');
    await log.close();
    expect(() => log.appendLine(encoded(1))).toThrow(/closed/);
  });

  it('tells where each placed line landed, and reads it back there, also after a rewrite keeps the tail', async () => {
    const log = open();
    await readBack(log);
    const places: LinePlace[] = [];
    log.append({ n: 0, text: 'é' });
    for (let n = 1; n <= 6; n += 1) log.appendLine(Buffer.from(`{"n":${n},"text":"😀${n}"}\n`), (p) => places.push(p));
    await log.flush();
    const read = async (): Promise<(string | undefined)[]> => (await log.readLines(places)).map((b) => b?.toString());
    expect(await read()).toEqual(range(1, 6).map((n) => `{"n":${n},"text":"😀${n}"}`));
    const fromScan: LinePlace[] = [];
    await log.readAll((_record, _line, place) => fromScan.push(place));
    expect(fromScan.slice(1)).toEqual(places);
    await log.retain(3);
    expect(await read()).toEqual([
      undefined,
      undefined,
      undefined,
      ...range(4, 6).map((n) => `{"n":${n},"text":"😀${n}"}`),
    ]);
  });

  it('flushes on its own after the interval', async () => {
    const log = open({ flushIntervalMs: 5 });
    log.append({ n: 1 });
    await eventually(() => existsSync(path) && readFileSync(path, 'utf8') === '{"n":1}\n', { what: 'timer flush' });
  });

  it('flushes early once maxBuffered records are waiting', async () => {
    const log = open({ maxBuffered: 3 });
    appendRange(log, 1, 3);
    await eventually(() => existsSync(path) && readFileSync(path, 'utf8').split('\n').length === 4, {
      what: 'early flush',
    });
  });

  it('reads back every record in order across chunk boundaries, with multi-byte text', async () => {
    const log = open();
    const text = 'é😀漢'.repeat(200);
    for (let n = 1; n <= 1500; n += 1) log.append({ n, text });
    await log.flush();
    expect(statSync(path).size).toBeGreaterThan(1024 * 1024);
    const texts = new Set<string>();
    const ns: number[] = [];
    const result = await open().readAll((r) => {
      ns.push(r.n);
      texts.add(r.text ?? '');
    });
    expect(result).toEqual({ records: 1500, skipped: 0 });
    expect(ns).toEqual(range(1, 1500));
    expect([...texts]).toEqual([text]);
  });

  it('includes records appended but not yet flushed when reading', async () => {
    const log = open();
    appendRange(log, 1, 3);
    expect((await readBack(log)).ns).toEqual([1, 2, 3]);
  });

  it('reads a missing file as empty', async () => {
    expect(await readBack()).toEqual({ ns: [], records: 0, skipped: 0 });
  });

  it('skips and counts torn or invalid lines, ignoring blank ones', async () => {
    writeFileSync(path, '{"n":1}\nnot json\n\n{"n":2}\n{"n":3,"te');
    expect(await readBack()).toEqual({ ns: [1, 2], records: 2, skipped: 2 });
  });

  it('starts a new line when appending after a torn last line', async () => {
    writeFileSync(path, '{"n":1}\n{"n":2,"te');
    const log = open();
    log.append({ n: 3 });
    await log.flush();
    log.append({ n: 4 });
    await log.flush();
    expect(readFileSync(path, 'utf8')).toBe('{"n":1}\n{"n":2,"te\n{"n":3}\n{"n":4}\n');
    expect(await readBack()).toEqual({ ns: [1, 3, 4], records: 3, skipped: 1 });
  });

  it('retain(n) keeps only the newest n records and drops torn lines', async () => {
    writeFileSync(path, 'garbage\n');
    const log = open();
    appendRange(log, 1, 10);
    await log.retain(3);
    expect(readFileSync(path, 'utf8')).toBe('{"n":8}\n{"n":9}\n{"n":10}\n');
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(readdirSync(dir.path)).toEqual(['log.jsonl']);
    expect(await log.count()).toBe(3);
    await log.retain(0);
    expect(readFileSync(path, 'utf8')).toBe('');
  });

  it('retains the newest records of a large checked file byte for byte, across chunk boundaries', async () => {
    const log = open();
    const text = 'é😀漢'.repeat(200);
    for (let n = 1; n <= 1500; n += 1) log.append({ n, text });
    await log.flush();
    expect((await readBack(log)).skipped).toBe(0);
    const before = readFileSync(path, 'utf8').split('\n');
    appendRange(log, 1501, 1510);
    await log.retain(1200);
    const after = readFileSync(path, 'utf8');
    expect(after.split('\n').slice(0, 1190)).toEqual(before.slice(310, 1500));
    expect((await readBack(log)).ns).toEqual(range(311, 1510));
    expect(await log.count()).toBe(1200);
    await log.retain(1200);
    expect(readFileSync(path, 'utf8')).toBe(after);
    await log.retain(0);
    expect(readFileSync(path, 'utf8')).toBe('');
  });

  it('drops a torn line that ended up inside the kept records, then keeps retaining correctly', async () => {
    writeFileSync(path, '{"n":1}\n{"n":2,"te');
    const log = open();
    expect(await readBack(log)).toEqual({ ns: [1], records: 1, skipped: 1 });
    appendRange(log, 3, 5);
    await log.retain(10);
    expect(readFileSync(path, 'utf8')).toBe('{"n":1}\n{"n":3}\n{"n":4}\n{"n":5}\n');
    appendRange(log, 6, 7);
    await log.retain(2);
    expect(readFileSync(path, 'utf8')).toBe('{"n":6}\n{"n":7}\n');
  });

  it('leaves a file that is already small enough untouched', async () => {
    writeFileSync(path, '{"n":1}\n{"n":2}\n');
    const before = statSync(path).ino;
    await open().retain(5);
    expect(statSync(path).ino).toBe(before);
  });

  it('neither loses nor duplicates records appended while retain() runs', async () => {
    const log = open();
    appendRange(log, 1, 100);
    const retained = log.retain(10);
    for (let n = 101; n <= 110; n += 1) {
      // Spread over several event-loop turns so some land before and some during the rewrite.
      await new Promise((resolve) => setImmediate(resolve));
      log.append({ n });
    }
    await retained;
    await log.flush();
    const { ns } = await readBack();
    expect(ns[0]).toBeGreaterThanOrEqual(91);
    expect(ns).toEqual(range(ns[0] ?? 0, 110));
  });

  it('keeps a gap-free sequence under interleaved appends, flushes and retains', async () => {
    const log = open({ maxBuffered: 7 });
    const work: Array<Promise<void>> = [];
    let n = 0;
    for (let round = 0; round < 40; round += 1) {
      for (let i = 0; i < round % 5; i += 1) log.append({ n: ++n });
      if (round % 3 === 0) work.push(log.flush());
      if (round % 4 === 0) work.push(log.retain(25));
    }
    await Promise.all(work);
    await log.flush();
    const { ns, skipped } = await readBack();
    expect(skipped).toBe(0);
    expect(ns[ns.length - 1]).toBe(n);
    expect(ns).toEqual(range(n - ns.length + 1, n));
    expect(ns.length).toBeGreaterThanOrEqual(25);
  });

  it('counts records in the file plus those still buffered', async () => {
    writeFileSync(path, '{"n":1}\ntorn');
    const log = open();
    expect(await log.count()).toBe(1);
    appendRange(log, 2, 4);
    expect(await log.count()).toBe(4);
  });

  it('removes temp files a crashed rewrite left behind', async () => {
    writeFileSync(`${path}.tmp-99-1-abcd`, '{"n":');
    const log = open();
    log.append({ n: 1 });
    await log.flush();
    expect(readdirSync(dir.path)).toEqual(['log.jsonl']);
  });

  it('close() flushes what is buffered, and later appends throw', async () => {
    const log = open();
    log.append({ n: 1 });
    await log.close();
    expect(readFileSync(path, 'utf8')).toBe('{"n":1}\n');
    expect(() => log.append({ n: 2 })).toThrow(/closed/);
    await expect(log.close()).resolves.toBeUndefined();
  });

  it('rejects flush() when the file cannot be written and reports background failures', async () => {
    appendFileSync(join(dir.path, 'blocker'), 'a file, not a directory');
    path = join(dir.path, 'blocker', 'log.jsonl');
    const errors: unknown[] = [];
    const log = open({ flushIntervalMs: 1, onError: (e) => errors.push(e) });
    log.append({ n: 1 });
    await eventually(() => errors.length > 0, { what: 'background flush error reported' });
    await expect(log.flush()).rejects.toThrow();
    await expect(log.close()).rejects.toThrow();
  });

  it('rejects a negative or fractional retention', async () => {
    await expect(open().retain(-1)).rejects.toThrow(RangeError);
    await expect(open().retain(1.5)).rejects.toThrow(RangeError);
  });
});
