/** A line's bytes carved from a slab, and the call that gives them back once the file holds them. */
export interface SlabLine {
  readonly bytes: Buffer;
  /** Called once, when nothing reads `bytes` any more: the slab is reused after its last line is released. */
  release(): void;
}

interface Slab {
  readonly memory: Buffer;
  used: number;
  /** Lines carved from it and not yet released. */
  lines: number;
  /** No more lines go into it: it is reused once `lines` reaches 0. */
  sealed: boolean;
}

const NOTHING_TO_RELEASE = (): void => undefined;

/**
 * Memory for trace lines from their encoding until the file holds them (100 ms to a few seconds), reused from slab
 * to slab. A Buffer per line that lived past a scavenge (most do under load: a Codex CLI turn's line is 40 KB)
 * waited as external memory for the next full GC, which V8 lets grow by 64 MB first: that was the largest part of
 * the RSS left after a load. Slabs are allocated once and cycled, so that garbage is never made.
 *
 * A line larger than a quarter of a slab gets memory of its own (freed by the GC, as before). At most `keep` free
 * slabs are kept for reuse; a burst beyond that allocates more, and the extra ones are left to the GC.
 */
export class LineSlabs {
  private current: Slab | undefined;
  private readonly free: Buffer[] = [];

  constructor(
    private readonly slabBytes = 1 << 20,
    private readonly keep = 8,
  ) {}

  /** `length` bytes for one line. */
  take(length: number): SlabLine {
    if (length > this.slabBytes / 4) return { bytes: Buffer.allocUnsafeSlow(length), release: NOTHING_TO_RELEASE };
    let slab = this.current;
    if (slab === undefined || slab.used + length > slab.memory.length) slab = this.next();
    const bytes = slab.memory.subarray(slab.used, slab.used + length);
    slab.used += length;
    slab.lines += 1;
    let released = false;
    return {
      bytes,
      release: () => {
        if (released) return;
        released = true;
        slab.lines -= 1;
        if (slab.sealed && slab.lines === 0) this.recycle(slab);
      },
    };
  }

  /** Free slabs held for reuse (for specs and diagnostics). */
  get freeSlabs(): number {
    return this.free.length;
  }

  private next(): Slab {
    const previous = this.current;
    if (previous) {
      previous.sealed = true;
      if (previous.lines === 0) this.recycle(previous);
    }
    const memory = this.free.pop() ?? Buffer.allocUnsafeSlow(this.slabBytes);
    this.current = { memory, used: 0, lines: 0, sealed: false };
    return this.current;
  }

  private recycle(slab: Slab): void {
    if (this.free.length < this.keep) this.free.push(slab.memory);
  }
}
