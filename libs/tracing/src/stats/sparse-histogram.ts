import { binOf } from './latency-sketch';

/**
 * The latency histogram of one rollup cell, stored sparsely: a cell holds tens of requests, so
 * most of the 464 bins are empty. `pairs` interleaves [bin, count, bin, count, …] sorted by bin,
 * one small array per cell instead of a 2 KB dense one.
 */
export class SparseHistogram {
  readonly pairs: number[] = [];
  min = Infinity;
  max = -Infinity;

  add(ms: number): void {
    if (ms < this.min) this.min = ms;
    if (ms > this.max) this.max = ms;
    const bin = binOf(ms);
    const pairs = this.pairs;
    let lo = 0;
    let hi = pairs.length >> 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (pairs[mid * 2]! < bin) lo = mid + 1;
      else hi = mid;
    }
    if (pairs[lo * 2] === bin) pairs[lo * 2 + 1]! += 1;
    else pairs.splice(lo * 2, 0, bin, 1);
  }
}
