import type { StatsRecord } from '@mcp/contracts';
import { Interner } from './interner';

export const DIMENSIONS = ['account', 'route', 'model', 'key'] as const;
export type Dimension = (typeof DIMENSIONS)[number];

/** How a missing account, model or client key is reported (PROTOCOL.md §11.5). */
export const UNKNOWN = 'unknown';

type IdArray = Uint16Array<ArrayBuffer> | Uint32Array<ArrayBuffer>;

const INITIAL_CAPACITY = 1024;
const UINT32_MAX = 0xffff_ffff;

/**
 * The stats history held as columns (one typed array per field, strings interned): about 55 bytes
 * per request instead of a JS object each, so a million records fit in ~55 MB and scans stay in
 * cache-friendly arrays. Latencies are stored as whole milliseconds.
 */
export class StatsColumns {
  length = 0;
  private capacity = 0;
  at = new Float64Array(0);
  latency = new Uint32Array(0);
  /** -1 = no time to first byte recorded. */
  ttfb = new Int32Array(0);
  status = new Uint16Array(0);
  stream = new Uint8Array(0);
  tokensInput = new Uint32Array(0);
  tokensInputCached = new Uint32Array(0);
  tokensOutput = new Uint32Array(0);
  tokensReasoning = new Uint32Array(0);
  tokensTotal = new Uint32Array(0);
  /** NaN = no price known for the model. */
  cost = new Float64Array(0);
  readonly ids: Record<Dimension, IdArray> = {
    account: new Uint16Array(0),
    route: new Uint16Array(0),
    model: new Uint16Array(0),
    key: new Uint16Array(0),
  };
  readonly names: Record<Dimension, Interner> = {
    account: new Interner(),
    route: new Interner(),
    model: new Interner(),
    key: new Interner(),
  };

  constructor(initialCapacity = INITIAL_CAPACITY) {
    this.grow(Math.max(16, initialCapacity));
  }

  static from(records: Iterable<StatsRecord>): StatsColumns {
    const columns = new StatsColumns();
    for (const record of records) columns.push(record);
    return columns;
  }

  /** Appends one record; returns its index, or -1 when it has no usable time. */
  push(record: StatsRecord): number {
    const at = Number(record.at);
    if (!Number.isFinite(at)) return -1;
    if (this.length === this.capacity) this.grow(this.capacity * 2);
    const i = this.length++;
    this.at[i] = at;
    this.latency[i] = wholeCount(record.latencyMs);
    this.ttfb[i] =
      record.ttfbMs === null || !Number.isFinite(record.ttfbMs) ? -1 : Math.min(0x7fff_ffff, wholeCount(record.ttfbMs));
    this.status[i] = Math.min(0xffff, wholeCount(record.status));
    this.stream[i] = record.stream ? 1 : 0;
    this.tokensInput[i] = wholeCount(record.tokensInput);
    this.tokensInputCached[i] = wholeCount(record.tokensInputCached);
    this.tokensOutput[i] = wholeCount(record.tokensOutput);
    this.tokensReasoning[i] = wholeCount(record.tokensReasoning);
    this.tokensTotal[i] = wholeCount(record.tokensTotal);
    this.cost[i] = typeof record.costUsd === 'number' && Number.isFinite(record.costUsd) ? record.costUsd : NaN;
    this.setId('account', i, record.accountId || UNKNOWN);
    this.setId('route', i, record.route || UNKNOWN);
    this.setId('model', i, record.model || UNKNOWN);
    this.setId('key', i, record.clientKeyId || UNKNOWN);
    return i;
  }

  /** Bytes held by the columns (capacity included), for diagnostics and the benchmark. */
  get byteLength(): number {
    const arrays = [
      this.at,
      this.latency,
      this.ttfb,
      this.status,
      this.stream,
      this.tokensInput,
      this.tokensInputCached,
    ];
    arrays.push(this.tokensOutput, this.tokensReasoning, this.tokensTotal, this.cost, ...Object.values(this.ids));
    return arrays.reduce((sum, array) => sum + array.byteLength, 0);
  }

  private setId(dimension: Dimension, i: number, value: string): void {
    const id = this.names[dimension].intern(value);
    let ids = this.ids[dimension];
    if (id > 0xffff && ids instanceof Uint16Array) {
      // More than 65,536 distinct values: widen this column once.
      ids = Uint32Array.from(ids);
      this.ids[dimension] = ids;
    }
    ids[i] = id;
  }

  private grow(capacity: number): void {
    this.capacity = capacity;
    this.at = resize(this.at, capacity);
    this.latency = resize(this.latency, capacity);
    this.ttfb = resize(this.ttfb, capacity);
    this.status = resize(this.status, capacity);
    this.stream = resize(this.stream, capacity);
    this.tokensInput = resize(this.tokensInput, capacity);
    this.tokensInputCached = resize(this.tokensInputCached, capacity);
    this.tokensOutput = resize(this.tokensOutput, capacity);
    this.tokensReasoning = resize(this.tokensReasoning, capacity);
    this.tokensTotal = resize(this.tokensTotal, capacity);
    this.cost = resize(this.cost, capacity);
    for (const dimension of Object.keys(this.ids) as Dimension[])
      this.ids[dimension] = resize(this.ids[dimension], capacity);
  }
}

type TypedArray = Float64Array | Uint32Array | Int32Array | Uint16Array | Uint8Array;

function resize<T extends TypedArray>(array: T, capacity: number): T {
  const next = new (array.constructor as new (length: number) => T)(capacity);
  next.set(array.subarray(0, Math.min(array.length, capacity)) as never);
  return next;
}

/** A non-negative whole number that fits 32 bits; anything else counts as 0. */
function wholeCount(value: unknown): number {
  const n = typeof value === 'number' ? value : Number(value);
  if (!Number.isFinite(n) || n <= 0) return 0;
  return Math.min(UINT32_MAX, Math.round(n));
}
