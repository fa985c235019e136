import { LatencySketch } from './latency-sketch';
import type { Cell } from './rollup';
import type { Dimension, StatsColumns } from './stats-columns';
import { Tally } from './tally';

export interface GroupStats {
  tally: Tally;
  latencies: LatencySketch;
}

export interface BucketPlan {
  bucketMs: number;
  /** Bucket number (floor(at / bucketMs)) of slot 0. */
  base: number;
}

export interface StatsResult {
  total: GroupStats;
  breakdowns: Partial<Record<Dimension, Map<string, GroupStats>>>;
  /** Ascending, gaps between the first and last active bucket filled with empty groups. */
  timeseries?: { bucketMs: number; buckets: { at: number; group: GroupStats }[] };
}

/**
 * The groups one query fills: the total, one group per value of each breakdown dimension (kept in
 * arrays indexed by interned id: no Map lookups in the per-record loop) and the time buckets.
 */
export class Accumulators {
  readonly total: GroupStats;
  private readonly dimensions: readonly Dimension[];
  private readonly dimensionIds: ArrayLike<number>[];
  private readonly groups: (GroupStats | undefined)[][];
  private readonly buckets: (GroupStats | undefined)[] = [];

  constructor(
    private readonly c: StatsColumns,
    breakdowns: readonly Dimension[],
    /** 0: histograms from the start; otherwise exact samples up to this many per group. */
    private readonly exactLimit: number,
    private readonly plan: BucketPlan | undefined,
  ) {
    this.total = this.newGroup();
    this.dimensions = breakdowns;
    this.dimensionIds = breakdowns.map((dimension) => c.ids[dimension]);
    this.groups = breakdowns.map(() => []);
  }

  /** A rollup cell of a period the query covers entirely (`periodStart`: the period's first ms). */
  addCell(cell: Cell, periodStart: number): void {
    mergeCell(this.total, cell);
    for (let d = 0; d < this.dimensions.length; d++) {
      mergeCell(this.group(this.groups[d]!, cell.ids[this.dimensions[d]!]!), cell);
    }
    if (this.plan) mergeCell(this.group(this.buckets, this.slotOf(periodStart)), cell);
  }

  addRecord(i: number, at: number): void {
    const c = this.c;
    const latency = c.latency[i]!;
    this.total.latencies.add(latency);
    this.total.tally.addRecord(c, i);
    for (let d = 0; d < this.groups.length; d++) {
      const group = this.group(this.groups[d]!, this.dimensionIds[d]![i]!);
      group.latencies.add(latency);
      group.tally.addRecord(c, i);
    }
    if (this.plan) {
      const bucket = this.group(this.buckets, this.slotOf(at));
      bucket.latencies.add(latency);
      bucket.tally.addSeriesFields(c, i);
    }
  }

  result(): StatsResult {
    const breakdowns: StatsResult['breakdowns'] = {};
    this.dimensions.forEach((dimension, d) => {
      const named = new Map<string, GroupStats>();
      this.groups[d]!.forEach((group, id) => group && named.set(this.c.names[dimension].valueOf(id), group));
      breakdowns[dimension] = named;
    });
    const result: StatsResult = { total: this.total, breakdowns };
    if (this.plan) result.timeseries = { bucketMs: this.plan.bucketMs, buckets: this.series(this.plan) };
    return result;
  }

  private series(plan: BucketPlan): { at: number; group: GroupStats }[] {
    let first = -1;
    let last = -1;
    this.buckets.forEach((_, slot) => {
      if (first < 0) first = slot;
      last = slot;
    });
    const series: { at: number; group: GroupStats }[] = [];
    if (first < 0) return series;
    for (let slot = first; slot <= last; slot++) {
      series.push({ at: (plan.base + slot) * plan.bucketMs, group: this.buckets[slot] ?? this.newGroup() });
    }
    return series;
  }

  private slotOf(at: number): number {
    return Math.floor(at / this.plan!.bucketMs) - this.plan!.base;
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

function mergeCell(group: GroupStats, cell: Cell): void {
  group.tally.merge(cell.tally);
  group.latencies.addHistogram(cell.latencies);
}
