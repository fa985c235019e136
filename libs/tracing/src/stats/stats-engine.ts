import { LatencySketch } from './latency-sketch';
import type { Cell, Period, Rollup } from './rollup';
import { DIMENSIONS, type Dimension, type StatsColumns } from './stats-columns';
import { Tally } from './tally';

/** Groups up to this size get exact percentiles (see LatencySketch). */
export const DEFAULT_EXACT_LIMIT = 50_000;
/** A time series never has more points than this: a finer bucketMs over a long range is widened. */
export const MAX_BUCKETS = 5000;

export interface StatsQuery {
  sinceMs?: number;
  untilMs?: number;
  /** Exact-match filters by name (account id, route, model, client key id). */
  filter: Partial<Record<Dimension, string>>;
  breakdowns: readonly Dimension[];
  bucketMs?: number;
}

export interface GroupStats {
  tally: Tally;
  latencies: LatencySketch;
}

export interface StatsResult {
  total: GroupStats;
  breakdowns: Partial<Record<Dimension, Map<string, GroupStats>>>;
  /** Ascending, gaps between the first and last active bucket filled with empty groups. */
  timeseries?: { bucketMs: number; buckets: { at: number; group: GroupStats }[] };
}

type Filter = { dimension: Dimension; ids: ArrayLike<number>; id: number }[];

/**
 * Answers a stats query from the rollup cells of the periods the range covers entirely, plus one
 * pass over the single records in the range: it feeds every latency to the percentile sketches
 * and adds the records of the partly covered edge periods (and every record of a time series,
 * whose buckets need not align with periods). Counts and sums are exact either way.
 */
export function runStatsQuery(c: StatsColumns, rollup: Rollup, query: StatsQuery, exactLimit = DEFAULT_EXACT_LIMIT): StatsResult {
  const lo = query.sinceMs ?? -Infinity;
  const hi = query.untilMs ?? Infinity;
  const filter = resolveFilter(c, query.filter);
  const periods = filter ? rollup.overlapping(lo, hi) : [];
  const acc = new Accumulators(c, query, exactLimit, bucketPlan(query.bucketMs, lo, hi, periods, rollup.periodMs));
  if (!filter || periods.length === 0) return acc.result();
  let from = Infinity;
  let to = -1;
  for (const period of periods) {
    from = Math.min(from, period.firstRecord);
    to = Math.max(to, period.lastRecord);
    if (!rollup.covers(period.index, lo, hi)) continue;
    for (const cell of period.cells.values()) if (cellMatches(cell, filter)) acc.addCell(cell);
  }
  const P = rollup.periodMs;
  const fullFrom = lo === -Infinity ? -Infinity : Math.ceil(lo / P);
  const fullTo = hi === Infinity ? Infinity : Math.floor((hi + 1) / P) - 1;
  const at = c.at;
  for (let i = from; i <= to; i++) {
    const t = at[i]!;
    if (t < lo || t > hi || !recordMatches(filter, i)) continue;
    const period = Math.floor(t / P);
    acc.addRecord(i, t, period < fullFrom || period > fullTo);
  }
  return acc.result();
}

interface BucketPlan {
  bucketMs: number;
  /** Bucket number (floor(at / bucketMs)) of slot 0. */
  base: number;
}

function bucketPlan(requested: number | undefined, lo: number, hi: number, periods: Period[], periodMs: number): BucketPlan | undefined {
  if (requested === undefined) return undefined;
  const first = periods[0];
  const last = periods[periods.length - 1];
  if (!first || !last) return { bucketMs: requested, base: 0 };
  const start = Math.max(lo, first.index * periodMs);
  const end = Math.min(hi, (last.index + 1) * periodMs - 1);
  const count = Math.floor(end / requested) - Math.floor(start / requested) + 1;
  const bucketMs = count > MAX_BUCKETS ? requested * Math.ceil(count / MAX_BUCKETS) : requested;
  return { bucketMs, base: Math.floor(start / bucketMs) };
}

class Accumulators {
  readonly total: GroupStats;
  private readonly groups = new Map<Dimension, (GroupStats | undefined)[]>();
  private readonly buckets: (GroupStats | undefined)[] = [];

  constructor(
    private readonly c: StatsColumns,
    private readonly query: StatsQuery,
    private readonly exactLimit: number,
    private readonly plan: BucketPlan | undefined,
  ) {
    this.total = this.newGroup();
    for (const dimension of query.breakdowns) this.groups.set(dimension, []);
  }

  addCell(cell: Cell): void {
    this.total.tally.merge(cell.tally);
    for (const [dimension, groups] of this.groups) this.group(groups, cell.ids[dimension]).tally.merge(cell.tally);
  }

  addRecord(i: number, at: number, edge: boolean): void {
    const c = this.c;
    const latency = c.latency[i]!;
    this.total.latencies.add(latency);
    if (edge) this.total.tally.addRecord(c, i);
    for (const [dimension, groups] of this.groups) {
      const group = this.group(groups, c.ids[dimension][i]!);
      group.latencies.add(latency);
      if (edge) group.tally.addRecord(c, i);
    }
    if (this.plan) {
      const bucket = this.group(this.buckets, Math.floor(at / this.plan.bucketMs) - this.plan.base);
      bucket.latencies.add(latency);
      bucket.tally.addRecord(c, i);
    }
  }

  result(): StatsResult {
    const breakdowns: StatsResult['breakdowns'] = {};
    for (const [dimension, groups] of this.groups) {
      const named = new Map<string, GroupStats>();
      groups.forEach((group, id) => group && named.set(this.c.names[dimension].valueOf(id), group));
      breakdowns[dimension] = named;
    }
    const result: StatsResult = { total: this.total, breakdowns };
    if (this.plan) result.timeseries = { bucketMs: this.plan.bucketMs, buckets: this.series(this.plan) };
    return result;
  }

  private series(plan: BucketPlan): { at: number; group: GroupStats }[] {
    const used = Object.keys(this.buckets).map(Number);
    if (used.length === 0) return [];
    const first = Math.min(...used);
    const last = Math.max(...used);
    const series: { at: number; group: GroupStats }[] = [];
    for (let slot = first; slot <= last; slot++) {
      series.push({ at: (plan.base + slot) * plan.bucketMs, group: this.buckets[slot] ?? this.newGroup() });
    }
    return series;
  }

  private group(groups: (GroupStats | undefined)[], slot: number): GroupStats {
    let group = groups[slot];
    if (!group) {
      group = this.newGroup();
      groups[slot] = group;
    }
    return group;
  }

  private newGroup(): GroupStats {
    return { tally: new Tally(), latencies: new LatencySketch(this.exactLimit) };
  }
}

/** Interned ids of the filter values; null when a value never occurs (nothing can match). */
function resolveFilter(c: StatsColumns, filter: StatsQuery['filter']): Filter | null {
  const resolved: Filter = [];
  for (const dimension of DIMENSIONS) {
    const value = filter[dimension];
    if (value === undefined) continue;
    const id = c.names[dimension].find(value);
    if (id === undefined) return null;
    resolved.push({ dimension, ids: c.ids[dimension], id });
  }
  return resolved;
}

function cellMatches(cell: Cell, filter: Filter): boolean {
  for (const { dimension, id } of filter) if (cell.ids[dimension] !== id) return false;
  return true;
}

function recordMatches(filter: Filter, i: number): boolean {
  for (const { ids, id } of filter) if (ids[i] !== id) return false;
  return true;
}
