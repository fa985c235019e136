import { appendFileSync, existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir, type TempDir } from '@mcp/testing';
import { traceRecord } from '@mcp/testing/history';
import type { TraceRecord } from '@mcp/contracts';
import { JsonlLog } from '@mcp/storage';
import type { RecordLog } from '../trace-logs';
import { JsonText } from './trace-line';
import { TraceStore } from './trace-store';

const CLIENT_TEXT = '{"model":"m","input":"caf\\u00e9 café 😀 \\"q\\"\\n","n":1.50}';

function linesIn(path: string): string[] {
  return existsSync(path) ? readFileSync(path, 'utf8').split('\n').filter(Boolean) : [];
}

/** The ids on disk, oldest first: the previous segment, then the current one. */
function idsOnDisk(path: string): string[] {
  return [...linesIn(`${path}.1`), ...linesIn(path)].map((line) => (JSON.parse(line) as { id: string }).id);
}

describe('TraceStore (PROTOCOL §10.4)', () => {
  let dir: TempDir;
  let path: string;
  beforeEach(() => {
    dir = tempDir('mcp-traces-');
    path = join(dir.path, 'requests-trace.jsonl');
  });
  afterEach(() => dir.cleanup());

  it('keeps only the newest `cap` traces for readers, newest first', async () => {
    const store = new TraceStore(path, 3);
    for (let i = 1; i <= 5; i++) store.add(traceRecord({ id: `t${i}` }));
    expect(store.newestFirst().map((t) => t.record.id)).toEqual(['t5', 't4', 't3']);
    expect(await store.get('t2')).toBeUndefined();
    expect((await store.get('t4'))?.id).toBe('t4');
    await store.close();
  });

  it('keeps the newest `cap` on disk in two files, the full one renamed to requests-trace.jsonl.1, never copied', async () => {
    const store = new TraceStore(path, 3);
    store.add(traceRecord({ id: 't1' }));
    store.add(traceRecord({ id: 't2' }));
    await store.flush();
    const inode = statSync(path).ino;
    expect(existsSync(`${path}.1`)).toBe(false);
    store.add(traceRecord({ id: 't3' }));
    await store.flush();
    // The cap-th trace: the same file, renamed.
    expect(statSync(`${path}.1`).ino).toBe(inode);
    expect(idsOnDisk(path)).toEqual(['t1', 't2', 't3']);
    expect(linesIn(path)).toEqual([]);
    for (let i = 4; i <= 20; i++) {
      store.add(traceRecord({ id: `t${i}` }));
      await store.flush();
      const onDisk = idsOnDisk(path);
      expect(onDisk.length).toBeGreaterThanOrEqual(3);
      expect(onDisk.length).toBeLessThanOrEqual(2 * 3);
      expect(onDisk.at(-1)).toBe(`t${i}`);
    }
    // A burst while a rotation runs lands in the new segment; rotations follow until the files fit again.
    for (let i = 21; i <= 40; i++) store.add(traceRecord({ id: `t${i}` }));
    await store.flush();
    expect(idsOnDisk(path).slice(-3)).toEqual(['t38', 't39', 't40']);
    expect(idsOnDisk(path).length).toBeLessThanOrEqual(2 * 3);
    expect(store.newestFirst().map((t) => t.record.id)).toEqual(['t40', 't39', 't38']);
    await store.close();
  });

  it('reloads the retained traces after a restart from both files, with a smaller cap too', async () => {
    const first = new TraceStore(path, 10);
    for (let i = 1; i <= 12; i++) first.add(traceRecord({ id: `t${i}` }));
    await first.close();
    expect(idsOnDisk(path)).toEqual(Array.from({ length: 12 }, (_, i) => `t${i + 1}`));
    const second = new TraceStore(path, 4);
    await second.load();
    expect(second.newestFirst().map((t) => t.record.id)).toEqual(['t12', 't11', 't10', 't9']);
    for (let i = 13; i <= 18; i++) {
      second.add(traceRecord({ id: `t${i}` }));
      await second.flush();
    }
    expect(idsOnDisk(path)).toEqual(['t15', 't16', 't17', 't18']);
    await second.close();
    const third = new TraceStore(path, 4);
    await third.load();
    expect(third.newestFirst().map((t) => t.record.id)).toEqual(['t18', 't17', 't16', 't15']);
    await third.close();
  });

  it('gives back a body kept as the client text, before and after a restart, from the line it wrote', async () => {
    const first = new TraceStore(path, 10);
    first.add(traceRecord({ id: 'raw', requestBody: new JsonText(CLIENT_TEXT) }));
    first.add(traceRecord({ id: 'redacted', requestBody: { input: '<data:image/png;base64, 3 bytes>' } }));
    first.add(traceRecord({ id: 'none' }));
    expect((await first.get('raw'))?.requestBody).toEqual(JSON.parse(CLIENT_TEXT));
    expect(await first.get('none')).not.toHaveProperty('requestBody');
    expect(first.newestFirst()[2]?.line).toBeDefined();
    await first.flush();
    expect(first.newestFirst()[2]?.line).toBeUndefined();
    expect((await first.get('raw'))?.requestBody).toEqual(JSON.parse(CLIENT_TEXT));
    await first.close();
    expect(linesIn(path)[0]).toContain(`"requestBody":${CLIENT_TEXT}}`);
    const second = new TraceStore(path, 10);
    await second.load();
    expect((await second.get('raw'))?.requestBody).toEqual(JSON.parse(CLIENT_TEXT));
    expect((await second.get('redacted'))?.requestBody).toEqual({ input: '<data:image/png;base64, 3 bytes>' });
    // Memory keeps where the lines are, not the lines: the bodies were read back from the file.
    expect(second.newestFirst().map((t) => [t.line, t.place !== undefined])).toEqual([
      [undefined, false],
      [undefined, true],
      [undefined, true],
    ]);
    await second.close();
  });

  it("writes lines into reused slabs without a body ever reading another trace's bytes", async () => {
    // Slabs of 8 KB (about ten lines): flushes free them and later traces are written into that memory again.
    const slabAllocations = jest.spyOn(Buffer, 'allocUnsafeSlow');
    const store = new TraceStore(path, 50, { lineSlabBytes: 8192 });
    const body = (i: number): string => `{"model":"m","input":"turn ${i} ${'é'.repeat(i % 7)}","n":${i}}`;
    for (let round = 0; round < 6; round++) {
      for (let i = round * 8; i < round * 8 + 8; i++)
        store.add(traceRecord({ id: `t${i}`, requestBody: new JsonText(body(i)) }));
      // Read while some lines are in memory and some already in the file.
      const inMemory = await store.get(`t${round * 8 + 7}`);
      expect(inMemory?.requestBody).toEqual(JSON.parse(body(round * 8 + 7)));
      await store.flush();
    }
    // 48 lines of ~700 bytes fill four slabs; reuse keeps the allocations below that.
    expect(slabAllocations.mock.calls.filter(([size]) => size === 8192).length).toBeLessThan(4);
    slabAllocations.mockRestore();
    const all = await store.full(store.newestFirst());
    expect(all.map((t) => t.requestBody)).toEqual(
      Array.from({ length: 48 }, (_, k) => JSON.parse(body(47 - k)) as unknown),
    );
    await store.close();
    expect(linesIn(path).map((line) => (JSON.parse(line) as TraceRecord).id)).toEqual(
      Array.from({ length: 48 }, (_, i) => `t${i}`),
    );
  });

  it('reads a file written before bodies were kept as text (one JSON.stringify per line, a torn tail)', async () => {
    const old = [1, 2, 3].map((i) =>
      traceRecord({ id: `old${i}`, requestBody: { input: `é ${i}`, nested: { n: i } } }),
    );
    writeFileSync(path, `${old.map((trace) => JSON.stringify(trace)).join('\n')}\n{"id":"torn","requestB`);
    const store = new TraceStore(path, 2);
    const result = await store.load();
    expect(result).toEqual({ records: 3, skipped: 1 });
    expect(store.newestFirst().map((t) => t.record.id)).toEqual(['old3', 'old2']);
    expect(await store.get('old2')).toEqual(old[1]);
    store.add(traceRecord({ id: 'new', requestBody: new JsonText(CLIENT_TEXT) }));
    await store.close();
    const reloaded = new TraceStore(path, 2);
    await reloaded.load();
    expect(await reloaded.get('old3')).toEqual(old[2]);
    expect((await reloaded.get('new'))?.requestBody).toEqual(JSON.parse(CLIENT_TEXT));
    await reloaded.close();
  });

  it('hands a log that takes no lines (a shared store) the record itself', async () => {
    const appended: TraceRecord[] = [];
    const log: RecordLog<TraceRecord> = {
      append: (record) => appended.push(record),
      readAll: () => Promise.resolve({ records: 0, skipped: 0 }),
      retain: () => Promise.resolve(),
      flush: () => Promise.resolve(),
      close: () => Promise.resolve(),
    };
    const store = new TraceStore(log, 5);
    const body = new JsonText(CLIENT_TEXT);
    store.add(traceRecord({ id: 'shared', requestBody: body }));
    expect(appended[0]?.requestBody).toBe(body);
    expect((await store.get('shared'))?.requestBody).toEqual(JSON.parse(CLIENT_TEXT));
    await store.close();
  });

  it('finds the bodies again in whichever segment holds them, across rotations and a restart', async () => {
    const body = (i: number) => ({ input: `body ${i} ${'é'.repeat(i)}` });
    const store = new TraceStore(path, 3);
    await store.load();
    const addUpTo = (to: number, from: number) => {
      for (let i = from; i <= to; i++)
        store.add(traceRecord({ id: `t${i}`, requestBody: new JsonText(JSON.stringify(body(i))) }));
    };
    addUpTo(7, 1);
    await store.flush();
    expect(idsOnDisk(path)).toEqual(['t4', 't5', 't6', 't7']);
    // The noted places follow the rename: no search of the files needed.
    const searches = jest.spyOn(JsonlLog.prototype, 'readAll');
    for (let i = 5; i <= 7; i++) expect((await store.get(`t${i}`))?.requestBody).toEqual(body(i));
    addUpTo(11, 8);
    await store.flush();
    expect(idsOnDisk(path)).toEqual(['t7', 't8', 't9', 't10', 't11']);
    const all = await store.full(store.newestFirst());
    expect(all.map((t) => t.requestBody)).toEqual([body(11), body(10), body(9)]);
    expect(searches).not.toHaveBeenCalled();
    searches.mockRestore();
    await store.close();
    // A torn line (a crash mid-write) in the current segment: skipped on load, the other bodies read back.
    appendFileSync(path, '{"id":"torn"');
    const reloaded = new TraceStore(path, 2);
    await reloaded.load();
    expect((await reloaded.get('t11'))?.requestBody).toEqual(body(11));
    const legacy = await reloaded.full(reloaded.newestFirst());
    expect(legacy.map((t) => t.requestBody)).toEqual([body(11), body(10)]);
    await reloaded.close();
  });
});
