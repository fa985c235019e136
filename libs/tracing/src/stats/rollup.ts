import { DIMENSIONS, type Dimension, type StatsColumns } from './stats-columns';
import { Tally } from './tally';

export const DAY_MS = 86_400_000;

/** The tally of every request of one period with one (account, route, model, key) combination. */
export interface Cell {
  ids: Record<Dimension, number>;
  tally: Tally;
}

export interface Period {
  /** Period number: floor(at / periodMs). */
  index: number;
  /** Where its records sit in the columns (append order is only nearly time order). */
  firstRecord: number;
  lastRecord: number;
  count: number;
  cells: Map<string, Cell>;
}

/**
 * Rollups of the history per period (a UTC day by default) and per full combination of the
 * dimensions, so any filter and any breakdown can be answered from cells: a query adds up the
 * cells of the periods it covers entirely and looks at single records only for the periods at
 * its edges.
 */
export class Rollup {
  private readonly periods = new Map<number, Period>();
  /** Period numbers, ascending. */
  private readonly order: number[] = [];

  constructor(readonly periodMs: number = DAY_MS) {}

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
    const ids = c.ids;
    const key = `${ids.account[i]!}|${ids.route[i]!}|${ids.model[i]!}|${ids.key[i]!}`;
    let cell = period.cells.get(key);
    if (!cell) {
      cell = { ids: idsOf(c, i), tally: new Tally() };
      period.cells.set(key, cell);
    }
    cell.tally.addRecord(c, i);
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

  private insertOrdered(index: number): void {
    const last = this.order[this.order.length - 1];
    if (last === undefined || index > last) this.order.push(index);
    else this.order.splice(lowerBound(this.order, index), 0, index);
  }
}

function idsOf(c: StatsColumns, i: number): Record<Dimension, number> {
  const ids = {} as Record<Dimension, number>;
  for (const dimension of DIMENSIONS) ids[dimension] = c.ids[dimension][i]!;
  return ids;
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
