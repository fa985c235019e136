import type { SparseHistogram } from './sparse-histogram';

/**
 * Latencies of one group, for nearest-rank percentiles. Exact (the real samples, selected in
 * O(n)) while the group holds at most `exactLimit` requests (0: never); past that, a log-linear
 * histogram of 16 bins per power of two, whose answer is within ±3.1 % of the exact one (values
 * under 32 ms stay exact). Either way memory per group stays bounded.
 */
export class LatencySketch {
  private samples: number[] | undefined;
  private histogram: Uint32Array | undefined;
  /** A single rollup cell's histogram, read in place until a second source arrives (saves a dense copy). */
  private borrowed: SparseHistogram | undefined;
  private min = Infinity;
  private max = -Infinity;
  count = 0;

  constructor(private readonly exactLimit: number) {
    if (exactLimit > 0) this.samples = [];
  }

  get exact(): boolean {
    return this.samples !== undefined;
  }

  add(ms: number): void {
    this.count += 1;
    if (ms < this.min) this.min = ms;
    if (ms > this.max) this.max = ms;
    if (this.samples) {
      this.samples.push(ms);
      if (this.samples.length > this.exactLimit) this.foldIntoHistogram();
      return;
    }
    this.dense()[binOf(ms)]! += 1;
  }

  /** Adds a rollup cell's latencies (turns an exact sketch into a histogram: cells hold no samples). */
  addHistogram(cell: SparseHistogram): void {
    const pairs = cell.pairs;
    if (pairs.length === 0) return;
    if (this.samples) this.foldIntoHistogram();
    if (cell.min < this.min) this.min = cell.min;
    if (cell.max > this.max) this.max = cell.max;
    if (this.count === 0 && !this.histogram) {
      this.borrowed = cell;
      for (let k = 1; k < pairs.length; k += 2) this.count += pairs[k]!;
      return;
    }
    const histogram = this.dense();
    for (let k = 0; k < pairs.length; k += 2) {
      histogram[pairs[k]!]! += pairs[k + 1]!;
      this.count += pairs[k + 1]!;
    }
  }

  /** Nearest-rank percentile (`p` in 0–100); 0 for an empty group. */
  percentile(p: number): number {
    if (this.count === 0) return 0;
    const rank = Math.min(this.count, Math.max(1, Math.ceil((p / 100) * this.count)));
    if (this.samples) return selectKth(this.samples, rank - 1);
    let seen = 0;
    if (this.borrowed) {
      const pairs = this.borrowed.pairs;
      for (let k = 0; k < pairs.length; k += 2) {
        seen += pairs[k + 1]!;
        if (seen >= rank) return this.clamp(binMidpoint(pairs[k]!));
      }
      return this.max;
    }
    const histogram = this.dense();
    for (let bin = 0; bin < histogram.length; bin++) {
      seen += histogram[bin]!;
      if (seen >= rank) return this.clamp(binMidpoint(bin));
    }
    return this.max;
  }

  private clamp(ms: number): number {
    return Math.min(this.max, Math.max(this.min, ms));
  }

  private dense(): Uint32Array {
    if (!this.histogram) {
      this.histogram = new Uint32Array(BIN_COUNT);
      const pairs = this.borrowed?.pairs ?? [];
      for (let k = 0; k < pairs.length; k += 2) this.histogram[pairs[k]!]! += pairs[k + 1]!;
      this.borrowed = undefined;
    }
    return this.histogram;
  }

  private foldIntoHistogram(): void {
    const samples = this.samples!;
    this.samples = undefined;
    const histogram = this.dense();
    for (const ms of samples) histogram[binOf(ms)]! += 1;
  }
}

const EXACT_BELOW = 32;
const SUB_BINS = 16;
const FIRST_OCTAVE = 5; // 2^5 = 32
const BIN_COUNT = EXACT_BELOW + (32 - FIRST_OCTAVE) * SUB_BINS;

/** Values are whole milliseconds in 0..2^32-1. */
export function binOf(ms: number): number {
  if (ms < EXACT_BELOW) return ms;
  const octave = 31 - Math.clz32(ms);
  const sub = (ms >>> (octave - 4)) & (SUB_BINS - 1);
  return EXACT_BELOW + (octave - FIRST_OCTAVE) * SUB_BINS + sub;
}

export function binMidpoint(bin: number): number {
  if (bin < EXACT_BELOW) return bin;
  const octave = FIRST_OCTAVE + Math.floor((bin - EXACT_BELOW) / SUB_BINS);
  const sub = (bin - EXACT_BELOW) % SUB_BINS;
  const width = 2 ** (octave - 4);
  return Math.round(2 ** octave + sub * width + width / 2);
}

/** The k-th smallest value (0-based), found by quickselect; reorders `values` in place. */
export function selectKth(values: number[], k: number): number {
  let lo = 0;
  let hi = values.length - 1;
  while (hi > lo) {
    const pivot = medianOfThree(values[lo]!, values[(lo + hi) >>> 1]!, values[hi]!);
    let i = lo;
    let j = hi;
    while (i <= j) {
      while (values[i]! < pivot) i++;
      while (values[j]! > pivot) j--;
      if (i <= j) {
        const swap = values[i]!;
        values[i] = values[j]!;
        values[j] = swap;
        i++;
        j--;
      }
    }
    if (k <= j) hi = j;
    else if (k >= i) lo = i;
    else return values[k]!;
  }
  return values[k]!;
}

function medianOfThree(a: number, b: number, c: number): number {
  if (a < b) return b < c ? b : a < c ? c : a;
  return a < c ? a : b < c ? c : b;
}
