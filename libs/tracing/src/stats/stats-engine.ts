import { Accumulators, type BucketPlan, type StatsResult } from './accumulators';
import type { Period, Rollup } from './rollup';
import { DIMENSIONS, type Dimension, type StatsColumns } from './stats-columns';

export type { GroupStats, StatsResult } from './accumulators';

/** Queries matching at most this many requests get exact percentiles; larger ones use histograms. */
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

type Filter = { dimension: Dimension; ids: ArrayLike<number>; id: number }[];

/**
 * Answers a stats query over the columns. Counts and sums are always exact. A query that may match
 * at most `exactLimit` requests reads its records one by one (exact, nearest-rank percentiles).
 * A larger one is answered in parts — the total and time series, then each breakdown — each from
 * the smallest rollup that holds the part's dimensions: the cells of the periods the range covers
 * entirely, plus the single records of the (at most two) edge periods. Its percentiles come from
 * histograms (±3.1 %). A part no rollup can answer reads every record in range.
 * `rollups` go smallest first; the first one must be per day and also locates records by time.
 */
export function runStatsQuery(
  c: StatsColumns,
  rollups: readonly Rollup[],
  query: StatsQuery,
  exactLimit = DEFAULT_EXACT_LIMIT,
): StatsResult {
  const lo = query.sinceMs ?? -Infinity;
  const hi = query.untilMs ?? Infinity;
  const filter = resolveFilter(c, query.filter);
  const locator = rollups[0]!;
  const periods = filter ? locator.overlapping(lo, hi) : [];
  const plan = bucketPlan(query.bucketMs, lo, hi, periods, locator.periodMs);
  if (!filter || periods.length === 0) return new Accumulators(c, query.breakdowns, exactLimit, plan).result();
  const range: Range = { c, rollups, filter, lo, hi };
  if (mayMatch(range) <= exactLimit) {
    const acc = new Accumulators(c, query.breakdowns, exactLimit, plan);
    scanRecords(range, acc, periods);
    return acc.result();
  }
  const result = answerPart(range, [], plan).result();
  for (const dimension of query.breakdowns) {
    result.breakdowns[dimension] = answerPart(range, [dimension], undefined).result().breakdowns[dimension]!;
  }
  return result;
}

interface Range {
  c: StatsColumns;
  rollups: readonly Rollup[];
  filter: Filter;
  lo: number;
  hi: number;
}

/** The first rollup that holds every filtered and broken-down dimension and whose period divides the buckets. */
function pickRollup(
  { rollups, filter }: Range,
  breakdowns: readonly Dimension[],
  bucketMs?: number,
): Rollup | undefined {
  const needed = [...filter.map((f) => f.dimension), ...breakdowns];
  return rollups.find((r) => r.holds(needed) && (bucketMs === undefined || bucketMs % r.periodMs === 0));
}

/** An upper bound of the matching requests: exact for whole periods, every record of the edge periods. */
function mayMatch(range: Range): number {
  const rollup = pickRollup(range, []);
  if (!rollup) return count(range.rollups[0]!.overlapping(range.lo, range.hi));
  let n = 0;
  for (const period of rollup.overlapping(range.lo, range.hi)) {
    if (!rollup.covers(period.index, range.lo, range.hi)) n += period.count;
    else for (const cell of period.cells.values()) if (cellMatches(cell.ids, range.filter)) n += cell.tally.requests;
  }
  return n;
}

function answerPart(range: Range, breakdowns: readonly Dimension[], plan: BucketPlan | undefined): Accumulators {
  const acc = new Accumulators(range.c, breakdowns, 0, plan);
  const rollup = pickRollup(range, breakdowns, plan?.bucketMs);
  if (!rollup) {
    scanRecords(range, acc, range.rollups[0]!.overlapping(range.lo, range.hi));
    return acc;
  }
  const edges: Period[] = [];
  for (const period of rollup.overlapping(range.lo, range.hi)) {
    if (!rollup.covers(period.index, range.lo, range.hi)) {
      edges.push(period);
      continue;
    }
    const start = period.index * rollup.periodMs;
    for (const cell of period.cells.values()) if (cellMatches(cell.ids, range.filter)) acc.addCell(cell, start);
  }
  scanRecords(range, acc, edges, rollup.periodMs);
  return acc;
}

function count(periods: Period[]): number {
  return periods.reduce((n, period) => n + period.count, 0);
}

/**
 * Feeds the records of `periods` that fall in the range and match the filter. With `ownPeriodMs`,
 * each period's records are read separately and only those of that very period count (edge
 * periods next to ones added from cells); without it, one pass over their combined span.
 */
function scanRecords({ c, filter, lo, hi }: Range, acc: Accumulators, periods: Period[], ownPeriodMs?: number): void {
  const at = c.at;
  const spans = ownPeriodMs === undefined ? [spanOf(periods)] : periods;
  for (const { index, firstRecord, lastRecord } of spans) {
    for (let i = firstRecord; i <= lastRecord; i++) {
      const t = at[i]!;
      if (t < lo || t > hi || !recordMatches(filter, i)) continue;
      if (ownPeriodMs !== undefined && Math.floor(t / ownPeriodMs) !== index) continue;
      acc.addRecord(i, t);
    }
  }
}

function spanOf(periods: Period[]): Pick<Period, 'index' | 'firstRecord' | 'lastRecord'> {
  let firstRecord = Infinity;
  let lastRecord = -1;
  for (const period of periods) {
    firstRecord = Math.min(firstRecord, period.firstRecord);
    lastRecord = Math.max(lastRecord, period.lastRecord);
  }
  return { index: -1, firstRecord, lastRecord };
}

function bucketPlan(
  requested: number | undefined,
  lo: number,
  hi: number,
  periods: Period[],
  periodMs: number,
): BucketPlan | undefined {
  if (requested === undefined) return undefined;
  const first = periods[0];
  const last = periods[periods.length - 1];
  if (!first || !last) return { bucketMs: requested, base: 0 };
  const start = Math.max(lo, first.index * periodMs);
  const end = Math.min(hi, (last.index + 1) * periodMs - 1);
  const buckets = Math.floor(end / requested) - Math.floor(start / requested) + 1;
  const bucketMs = buckets > MAX_BUCKETS ? requested * Math.ceil(buckets / MAX_BUCKETS) : requested;
  return { bucketMs, base: Math.floor(start / bucketMs) };
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

function cellMatches(ids: Partial<Record<Dimension, number>>, filter: Filter): boolean {
  for (const { dimension, id } of filter) if (ids[dimension] !== id) return false;
  return true;
}

function recordMatches(filter: Filter, i: number): boolean {
  for (const { ids, id } of filter) if (ids[i] !== id) return false;
  return true;
}
