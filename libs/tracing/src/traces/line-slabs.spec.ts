import { LineSlabs } from './line-slabs';

describe('LineSlabs', () => {
  it('carves lines one after another from a slab', () => {
    const slabs = new LineSlabs(64);
    const a = slabs.take(10);
    const b = slabs.take(6);
    expect(a.bytes.buffer === b.bytes.buffer).toBe(true);
    expect(b.bytes.byteOffset).toBe(a.bytes.byteOffset + 10);
    expect([a.bytes.length, b.bytes.length]).toEqual([10, 6]);
  });

  it('reuses a full slab only once every line carved from it is released', () => {
    const slabs = new LineSlabs(64);
    const first = [slabs.take(16), slabs.take(16), slabs.take(16)];
    const memory = first[0]?.bytes.buffer;
    slabs.take(16); // fills the slab
    const next = slabs.take(16); // seals the first slab
    expect(next.bytes.buffer === memory).toBe(false);
    first.forEach((line) => line.release());
    expect(slabs.freeSlabs).toBe(0); // one line of the sealed slab is still out
  });

  it('hands a released slab to the lines that come after', () => {
    const slabs = new LineSlabs(64);
    const lines = [slabs.take(16), slabs.take(16), slabs.take(16), slabs.take(16)];
    const memory = lines[0]?.bytes.buffer;
    const second = slabs.take(16); // seals the first slab, starts a second
    lines.forEach((line) => line.release());
    lines[0]?.release(); // a second release changes nothing
    expect(slabs.freeSlabs).toBe(1);
    for (let i = 0; i < 3; i++) slabs.take(16); // fills the second slab
    const third = slabs.take(16); // seals the second, takes the freed first
    expect(third.bytes.buffer === memory).toBe(true);
    expect(second.bytes.buffer === memory).toBe(false);
  });

  it('gives a line larger than a quarter of a slab memory of its own', () => {
    const slabs = new LineSlabs(64);
    const small = slabs.take(8);
    const large = slabs.take(17);
    expect(large.bytes.buffer === small.bytes.buffer).toBe(false);
    expect(large.bytes.length).toBe(17);
    large.release();
    expect(slabs.freeSlabs).toBe(0);
  });

  it('keeps at most `keep` free slabs', () => {
    const slabs = new LineSlabs(16, 1);
    const taken = Array.from({ length: 12 }, () => slabs.take(4)); // three slabs, the third one current
    slabs.take(4); // a fourth slab: the third is sealed too
    taken.forEach((line) => line.release());
    expect(slabs.freeSlabs).toBe(1);
  });
});
