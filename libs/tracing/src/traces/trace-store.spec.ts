import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir, type TempDir } from '@mcp/testing';
import { traceRecord } from '@mcp/testing/history';
import { TraceStore } from './trace-store';

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
    expect(store.newestFirst().map((t) => t.id)).toEqual(['t5', 't4', 't3']);
    expect(store.get('t2')).toBeUndefined();
    expect(store.get('t4')?.id).toBe('t4');
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
    expect(second.newestFirst().map((t) => t.id)).toEqual(['t12', 't11', 't10', 't9']);
    await second.flush();
    expect(linesIn(path)).toHaveLength(4);
    await second.close();
  });
});
