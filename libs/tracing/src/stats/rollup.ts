import { SparseHistogram } from './sparse-histogram';
import type { Dimension, StatsColumns } from './stats-columns';
import { Tally } from './tally';

export const HOUR_MS = 3_600_000;
export const DAY_MS = 86_400_000;

/** The requests of one period with one combination of the rollup's dimensions. */
export interface Cell {
  /** Interned ids of the rollup's dimensions only. */
  ids: Partial<Record<Dimension, number>>;
  tally: Tally;
  latencies: SparseHistogram;
}

export interface Period {
  /** Period number: floor(at / periodMs). */
  index: number;
  /** Where its records sit in the columns (append order is only nearly time order). */
  firstRecord: number;
  lastRecord: number;
  count: number;
  cells: Map<number | string, Cell>;
}

/**
 * Counts, sums and latency histograms per period (e.g. a UTC day) and per combination of some
 * dimensions, so a query can add up the cells of the periods it covers entirely and look at
 * single records only in the (at most two) periods at its edges.
 */
export class Rollup {
  private readonly periods = new Map<number, Period>();
  /** Period numbers, ascending. */
  private readonly order: number[] = [];

  constructor(
    readonly periodMs: number,
    readonly dimensions: readonly Dimension[],
  ) {}

  add(c: StatsColumns, i: number): void {
    const index = Math.floor(c.at[i]! / this.periodMs);
    let period = this.periods.get(index);
    if (!period) {
      period = { index, firstRecord: i, lastRecord: i, count: 0, cells: new Map() };
      this.periods.set(index, period);
      this.insertOrdered(index);
    }
    if (i < period.firstRecord) period.firstRecord = i;
    if (i > period.lastRecord) period.lastRecord = i;
    period.count += 1;
    const key = this.keyOf(c, i);
    let cell = period.cells.get(key);
    if (!cell) {
      cell = { ids: this.idsOf(c, i), tally: new Tally(), latencies: new SparseHistogram() };
      period.cells.set(key, cell);
    }
    cell.tally.addRecord(c, i);
    cell.latencies.add(c.latency[i]!);
  }

  /** Whether this rollup can answer for these dimensions (as filters or breakdowns). */
  holds(dimensions: readonly Dimension[]): boolean {
    return dimensions.every((dimension) => this.dimensions.includes(dimension));
  }

  /** Periods that overlap [lo, hi] (inclusive, epoch ms), ascending. */
  overlapping(lo: number, hi: number): Period[] {
    const first = lo === -Infinity ? 0 : lowerBound(this.order, Math.floor(lo / this.periodMs));
    const last = hi === Infinity ? this.order.length : lowerBound(this.order, Math.floor(hi / this.periodMs) + 1);
    const result: Period[] = [];
    for (let k = first; k < last; k++) result.push(this.periods.get(this.order[k]!)!);
    return result;
  }

  /** Whether period `index` lies entirely inside [lo, hi]. */
  covers(index: number, lo: number, hi: number): boolean {
    return index * this.periodMs >= lo && (index + 1) * this.periodMs - 1 <= hi;
  }

  get cellCount(): number {
    let n = 0;
    for (const period of this.periods.values()) n += period.cells.size;
    return n;
  }

  private keyOf(c: StatsColumns, i: number): number | string {
    const dims = this.dimensions;
    if (dims.length === 0) return 0;
    if (dims.length === 1) return c.ids[dims[0]!][i]!;
    let key = '';
    for (const dimension of dims) key += `${c.ids[dimension][i]!}|`;
    return key;
  }

  private idsOf(c: StatsColumns, i: number): Partial<Record<Dimension, number>> {
    const ids: Partial<Record<Dimension, number>> = {};
    for (const dimension of this.dimensions) ids[dimension] = c.ids[dimension][i]!;
    return ids;
  }

  private insertOrdered(index: number): void {
    const last = this.order[this.order.length - 1];
    if (last === undefined || index > last) this.order.push(index);
    else this.order.splice(lowerBound(this.order, index), 0, index);
  }
}

/** First position in ascending `values` whose value is >= target. */
function lowerBound(values: readonly number[], target: number): number {
  let lo = 0;
  let hi = values.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (values[mid]! < target) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
