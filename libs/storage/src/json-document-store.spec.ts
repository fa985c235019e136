import { chmodSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { TempDir, tempDir } from '@mcp/testing';
import { CorruptFileError } from './errors';
import { JsonDocumentStore } from './json-document-store';

interface Doc {
  version: 1;
  n: number;
  items?: string[];
}

describe('JsonDocumentStore', () => {
  let dir: TempDir;
  let path: string;

  beforeEach(() => {
    dir = tempDir('mcp-docstore-');
    path = join(dir.path, 'doc.json');
  });

  afterEach(() => dir.cleanup());

  const onDisk = (): Doc => JSON.parse(readFileSync(path, 'utf8')) as Doc;
  const leftovers = (): string[] => readdirSync(dir.path).filter((name) => name.includes('.tmp-'));

  it('reads a missing file as undefined', async () => {
    await expect(new JsonDocumentStore<Doc>(path).read()).resolves.toBeUndefined();
  });

  it('writes a document that a fresh store reads back, with mode 0600 and no temp files left', async () => {
    await new JsonDocumentStore<Doc>(path).write({ version: 1, n: 7, items: ['a', 'é😀'] });
    expect(await new JsonDocumentStore<Doc>(path).read()).toEqual({ version: 1, n: 7, items: ['a', 'é😀'] });
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(leftovers()).toEqual([]);
  });

  it('creates the parent directory on first write', async () => {
    const nested = join(dir.path, 'a', 'b', 'doc.json');
    await new JsonDocumentStore<Doc>(nested).write({ version: 1, n: 1 });
    expect(JSON.parse(readFileSync(nested, 'utf8'))).toEqual({ version: 1, n: 1 });
  });

  it('tightens an existing world-readable file to 0600', async () => {
    writeFileSync(path, JSON.stringify({ version: 1, n: 0 }));
    chmodSync(path, 0o644);
    await new JsonDocumentStore<Doc>(path).read();
    expect(statSync(path).mode & 0o777).toBe(0o600);
  });

  it('honours a custom mode', async () => {
    await new JsonDocumentStore<Doc>(path, { mode: 0o640 }).write({ version: 1, n: 1 });
    expect(statSync(path).mode & 0o777).toBe(0o640);
  });

  it('rejects a corrupt file with an error naming it, and never overwrites it', async () => {
    writeFileSync(path, '{"version":1,"n":');
    const store = new JsonDocumentStore<Doc>(path);
    const error = (await store.read().catch((e: unknown) => e)) as CorruptFileError;
    expect(error).toBeInstanceOf(CorruptFileError);
    expect(error.message).toContain(path);
    expect(error.path).toBe(path);
    await expect(store.write({ version: 1, n: 2 })).rejects.toBeInstanceOf(CorruptFileError);
    expect(readFileSync(path, 'utf8')).toBe('{"version":1,"n":');
  });

  it('stores the document as it was when write() was called', async () => {
    const doc: Doc = { version: 1, n: 1 };
    const written = new JsonDocumentStore<Doc>(path).write(doc);
    doc.n = 99;
    await written;
    expect(onDisk().n).toBe(1);
  });

  it('resolves each concurrent write only once a document at least as new is on disk', async () => {
    const store = new JsonDocumentStore<Doc>(path);
    const seenOnResolve: Array<[number, number]> = [];
    const writes = Array.from({ length: 25 }, (_, i) =>
      store.write({ version: 1, n: i + 1 }).then(() => seenOnResolve.push([i + 1, onDisk().n])),
    );
    await Promise.all(writes);
    expect(onDisk().n).toBe(25);
    expect(seenOnResolve).toHaveLength(25);
    for (const [mine, found] of seenOnResolve) expect(found).toBeGreaterThanOrEqual(mine);
  });

  it('never lets a reader see a partial file while writes replace it', async () => {
    const store = new JsonDocumentStore<Doc>(path);
    await store.write({ version: 1, n: 0 });
    const big = Array.from({ length: 5000 }, (_, i) => `item-${i}`);
    let done = false;
    const writes = Promise.all(Array.from({ length: 30 }, (_, i) => store.write({ version: 1, n: i + 1, items: big })));
    void writes.then(() => (done = true));
    let reads = 0;
    while (!done) {
      expect(() => onDisk()).not.toThrow();
      reads += 1;
      await new Promise((resolve) => setImmediate(resolve));
    }
    expect(reads).toBeGreaterThan(0);
    expect(onDisk().n).toBe(30);
  });

  it('flush() resolves once everything queued is on disk', async () => {
    const store = new JsonDocumentStore<Doc>(path);
    void store.write({ version: 1, n: 1 });
    void store.write({ version: 1, n: 2 });
    await store.flush();
    expect(onDisk().n).toBe(2);
    await expect(store.flush()).resolves.toBeUndefined();
  });

  it('read() after write() sees the new document', async () => {
    const store = new JsonDocumentStore<Doc>(path);
    void store.write({ version: 1, n: 5 });
    expect((await store.read())?.n).toBe(5);
  });

  it('removes temp files a crashed run left behind, and nothing else', async () => {
    writeFileSync(`${path}.tmp-123-1-deadbeef`, '{"partial":');
    writeFileSync(join(dir.path, 'other.json.tmp-1-1-aa'), 'not ours');
    await new JsonDocumentStore<Doc>(path).write({ version: 1, n: 1 });
    expect(leftovers()).toEqual(['other.json.tmp-1-1-aa']);
  });

  it('rejects the write and flush when the directory cannot be used', async () => {
    writeFileSync(join(dir.path, 'blocker'), 'a file, not a directory');
    const store = new JsonDocumentStore<Doc>(join(dir.path, 'blocker', 'doc.json'));
    await expect(store.write({ version: 1, n: 1 })).rejects.toThrow();
    void store.write({ version: 1, n: 2 }).catch(() => undefined);
    await expect(store.flush()).rejects.toThrow();
  });

  it('refuses values JSON cannot represent', async () => {
    const store = new JsonDocumentStore<unknown>(path);
    await expect(store.write(undefined)).rejects.toThrow(TypeError);
  });
});
