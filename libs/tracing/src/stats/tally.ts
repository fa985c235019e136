import type { StatsColumns } from './stats-columns';

// Slots of a tally's sums array: plain numbers so a tally is one Float64Array, cheap to merge.
export const REQUESTS = 0;
export const OK = 1;
export const ERRORS = 2;
export const STREAM = 3;
export const LATENCY_TOTAL = 4;
export const TTFB_TOTAL = 5;
export const TTFB_COUNT = 6;
export const WITH_USAGE = 7;
export const TOKENS_INPUT = 8;
export const TOKENS_CACHED = 9;
export const TOKENS_OUTPUT = 10;
export const TOKENS_REASONING = 11;
export const TOKENS_TOTAL = 12;
export const COST = 13;
export const UNPRICED = 14;
export const FIRST_AT = 15;
export const LAST_AT = 16;
const SLOTS = 17;
/** Slots that add up; FIRST_AT / LAST_AT take the min / max instead. */
const ADDITIVE_SLOTS = 15;

/** Exact counts and sums over a set of requests (everything in an Aggregate except percentiles). */
export class Tally {
  readonly sums = new Float64Array(SLOTS);
  /** [status, count, status, count, …]: a handful of statuses, so a flat array beats a Map. */
  readonly statuses: number[] = [];

  constructor() {
    this.sums[FIRST_AT] = Infinity;
    this.sums[LAST_AT] = -Infinity;
  }

  get requests(): number {
    return this.sums[REQUESTS]!;
  }

  addRecord(c: StatsColumns, i: number): void {
    const s = this.sums;
    const status = c.status[i]!;
    s[REQUESTS]! += 1;
    if (status >= 400) s[ERRORS]! += 1;
    else if (status >= 200) s[OK]! += 1;
    if (c.stream[i] === 1) s[STREAM]! += 1;
    s[LATENCY_TOTAL]! += c.latency[i]!;
    const ttfb = c.ttfb[i]!;
    if (ttfb >= 0) {
      s[TTFB_TOTAL]! += ttfb;
      s[TTFB_COUNT]! += 1;
    }
    const input = c.tokensInput[i]!;
    const output = c.tokensOutput[i]!;
    const total = c.tokensTotal[i]!;
    if (input > 0 || output > 0 || total > 0) s[WITH_USAGE]! += 1;
    s[TOKENS_INPUT]! += input;
    s[TOKENS_CACHED]! += c.tokensInputCached[i]!;
    s[TOKENS_OUTPUT]! += output;
    s[TOKENS_REASONING]! += c.tokensReasoning[i]!;
    s[TOKENS_TOTAL]! += total;
    const cost = c.cost[i]!;
    if (Number.isNaN(cost)) s[UNPRICED]! += 1;
    else s[COST]! += cost;
    const at = c.at[i]!;
    if (at < s[FIRST_AT]!) s[FIRST_AT] = at;
    if (at > s[LAST_AT]!) s[LAST_AT] = at;
    this.countStatus(status, 1);
  }

  /** Only what a time-series point shows (requests, errors, tokens, cost): the cheap per-record path. */
  addSeriesFields(c: StatsColumns, i: number): void {
    const s = this.sums;
    s[REQUESTS]! += 1;
    const status = c.status[i]!;
    if (status >= 400) s[ERRORS]! += 1;
    else if (status >= 200) s[OK]! += 1;
    s[LATENCY_TOTAL]! += c.latency[i]!;
    s[TOKENS_INPUT]! += c.tokensInput[i]!;
    s[TOKENS_CACHED]! += c.tokensInputCached[i]!;
    s[TOKENS_OUTPUT]! += c.tokensOutput[i]!;
    s[TOKENS_REASONING]! += c.tokensReasoning[i]!;
    s[TOKENS_TOTAL]! += c.tokensTotal[i]!;
    const cost = c.cost[i]!;
    if (Number.isNaN(cost)) s[UNPRICED]! += 1;
    else s[COST]! += cost;
  }

  merge(other: Tally): void {
    const s = this.sums;
    const o = other.sums;
    for (let slot = 0; slot < ADDITIVE_SLOTS; slot++) s[slot]! += o[slot]!;
    if (o[FIRST_AT]! < s[FIRST_AT]!) s[FIRST_AT] = o[FIRST_AT]!;
    if (o[LAST_AT]! > s[LAST_AT]!) s[LAST_AT] = o[LAST_AT]!;
    const theirs = other.statuses;
    for (let k = 0; k < theirs.length; k += 2) this.countStatus(theirs[k]!, theirs[k + 1]!);
  }

  /** Status → count, ascending by status. */
  statusEntries(): [number, number][] {
    const entries: [number, number][] = [];
    for (let k = 0; k < this.statuses.length; k += 2) entries.push([this.statuses[k]!, this.statuses[k + 1]!]);
    return entries.sort((a, b) => a[0] - b[0]);
  }

  private countStatus(status: number, n: number): void {
    const statuses = this.statuses;
    for (let k = 0; k < statuses.length; k += 2) {
      if (statuses[k] === status) {
        statuses[k + 1]! += n;
        return;
      }
    }
    statuses.push(status, n);
  }
}
