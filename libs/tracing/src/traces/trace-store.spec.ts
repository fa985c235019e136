import { readFileSync, writeFileSync } from 'node:fs';
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
  return readFileSync(path, 'utf8').split('\n').filter(Boolean);
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

  it('rewrites the file to the newest `cap` once it holds more than twice the cap', async () => {
    const store = new TraceStore(path, 3);
    for (let i = 1; i <= 6; i++) store.add(traceRecord({ id: `t${i}` }));
    await store.flush();
    expect(linesIn(path)).toHaveLength(6);
    store.add(traceRecord({ id: 't7' }));
    await store.flush();
    expect(linesIn(path).map((line) => (JSON.parse(line) as { id: string }).id)).toEqual(['t5', 't6', 't7']);
    for (let i = 8; i <= 20; i++) store.add(traceRecord({ id: `t${i}` }));
    await store.flush();
    expect(linesIn(path).length).toBeLessThanOrEqual(6);
    await store.close();
  });

  it('reloads the retained traces after a restart, and compacts an oversized file on load', async () => {
    const first = new TraceStore(path, 10);
    for (let i = 1; i <= 12; i++) first.add(traceRecord({ id: `t${i}` }));
    await first.close();
    const second = new TraceStore(path, 4);
    await second.load();
    expect(second.newestFirst().map((t) => t.record.id)).toEqual(['t12', 't11', 't10', 't9']);
    await second.flush();
    expect(linesIn(path)).toHaveLength(4);
    await second.close();
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

  it('finds the bodies again after each rewrite of the file, whichever way it was cut', async () => {
    const body = (i: number) => ({ input: `body ${i} ${'é'.repeat(i)}` });
    const store = new TraceStore(path, 3);
    await store.load();
    for (let i = 1; i <= 7; i++)
      store.add(traceRecord({ id: `t${i}`, requestBody: new JsonText(JSON.stringify(body(i))) }));
    await store.flush();
    expect(linesIn(path)).toHaveLength(3);
    // Cut at a line boundary: the noted places follow the cut, no search of the file needed.
    const searches = jest.spyOn(JsonlLog.prototype, 'readAll');
    for (let i = 5; i <= 7; i++) expect((await store.get(`t${i}`))?.requestBody).toEqual(body(i));
    expect(searches).not.toHaveBeenCalled();
    searches.mockRestore();
    await store.close();
    // A torn line in the middle: the rewrite at load drops it, so old places cannot be followed; a search finds them.
    const lines = linesIn(path);
    writeFileSync(path, `${lines.join('\n')}\n{"id":"torn"\n${lines.join('\n')}\n`);
    const reloaded = new TraceStore(path, 2);
    await reloaded.load();
    await reloaded.flush();
    expect(linesIn(path)).toHaveLength(2);
    expect((await reloaded.get('t7'))?.requestBody).toEqual(body(7));
    const legacy = await reloaded.full(reloaded.newestFirst());
    expect(legacy.map((t) => t.requestBody)).toEqual([body(7), body(6)]);
    await reloaded.close();
  });
});
