import { appendFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Aggregate, StatsFilters, StatsRecord } from '@mcp/contracts';
import { tempDir, type TempDir } from '@mcp/testing';
import { generateHistory, referenceAggregate, writeHistoryFile } from '@mcp/testing/history';
import { StatsHistory } from './stats-history';
import { MAX_BUCKETS } from './stats-engine';

const T = Date.UTC(2025, 2, 10, 23, 59, 58); // two seconds before midnight: the sample crosses a day boundary
const DAY = 86_400_000;
const HOUR = 3_600_000;

function rec(over: Partial<StatsRecord>): StatsRecord {
  return {
    id: `r-${Math.random()}`,
    at: T,
    route: '/v1/chat/completions',
    method: 'POST',
    accountId: 'acc_a',
    clientKeyId: 'key_1',
    model: 'gpt-5.3-codex',
    status: 200,
    isError: false,
    stream: false,
    latencyMs: 100,
    ttfbMs: null,
    tokensInput: 0,
    tokensInputCached: 0,
    tokensOutput: 0,
    tokensReasoning: 0,
    tokensTotal: 0,
    costUsd: 0,
    finishReason: 'stop',
    ...over,
  };
}

const SAMPLE: StatsRecord[] = [
  rec({
    at: T,
    stream: true,
    latencyMs: 100,
    ttfbMs: 20,
    tokensInput: 1000,
    tokensInputCached: 200,
    tokensOutput: 300,
    tokensReasoning: 100,
    tokensTotal: 1300,
    costUsd: 0.01,
  }),
  rec({
    at: T + 1000,
    route: '/v1/responses',
    model: 'mystery',
    clientKeyId: null,
    latencyMs: 300,
    tokensInput: 500,
    tokensOutput: 50,
    tokensTotal: 550,
    costUsd: null,
  }),
  rec({ at: T + 2000, accountId: 'acc_b', status: 429, isError: true, latencyMs: 50 }),
  rec({ at: T + 3000, accountId: 'acc_b', status: 502, isError: true, latencyMs: 1000, clientKeyId: 'key_2' }),
  rec({ at: T + 4000, accountId: null, status: 499, isError: true, stream: true, latencyMs: 200 }),
];

const info = (id: string) => ({ id, email: `${id}@example.com`, enabled: true });

/** The parts of an Aggregate the reference computes, for toEqual comparisons. */
function comparable(a: Aggregate) {
  return {
    requests: a.requests,
    ok: a.ok,
    errors: a.errors,
    stream: a.stream,
    latencyMsTotal: a.latencyMsTotal,
    requestsWithUsage: a.requestsWithUsage,
    tokens: a.tokens,
    unpricedRequests: a.unpricedRequests,
    statusCounts: a.statusCounts,
    firstAt: a.firstAt,
    lastAt: a.lastAt,
  };
}

function expectMatchesReference(actual: Aggregate, records: StatsRecord[], exactPercentiles = true): void {
  const ref = referenceAggregate(records);
  const { p50LatencyMs, p95LatencyMs, costUsd, ttfbTotal: _t, ttfbCount: _c, ...exact } = ref;
  expect(comparable(actual)).toEqual(exact);
  expect(actual.costUsd).toBeCloseTo(costUsd, 5);
  if (exactPercentiles) {
    expect([actual.p50LatencyMs, actual.p95LatencyMs]).toEqual([p50LatencyMs, p95LatencyMs]);
  } else {
    expect(Math.abs(actual.p50LatencyMs - p50LatencyMs)).toBeLessThanOrEqual(p50LatencyMs * 0.032);
    expect(Math.abs(actual.p95LatencyMs - p95LatencyMs)).toBeLessThanOrEqual(p95LatencyMs * 0.032);
  }
}

describe('StatsHistory aggregates (PROTOCOL §11.5)', () => {
  it('computes every Aggregate field exactly on a known sample', () => {
    const usage = StatsHistory.of(SAMPLE).usage({}, info);
    expect(usage.totals).toEqual({
      requests: 5,
      ok: 2,
      errors: 3,
      errorRate: 0.6,
      successRate: 40,
      stream: 2,
      streamingRate: 40,
      latencyMsTotal: 1650,
      avgLatencyMs: 330,
      p50LatencyMs: 200,
      p95LatencyMs: 1000,
      avgTtfbMs: 20,
      requestsWithUsage: 2,
      tokens: { prompt: 1500, completion: 350, total: 1850, cached: 200, reasoning: 100 },
      costUsd: 0.01,
      unpricedRequests: 1,
      statusCounts: { '200': 2, '429': 1, '499': 1, '502': 1 },
      firstAt: T,
      lastAt: T + 4000,
    });
    expect(usage.tracesEvaluated).toBe(5);
    expect(usage.tracesMatched).toBe(5);
  });

  it('breaks down by account, route, model and client key, busiest first, with "unknown" for missing ids', () => {
    const usage = StatsHistory.of(SAMPLE).usage({}, info);
    expect(usage.byAccount.map((a) => [a.accountId, a.requests, a.account])).toEqual([
      ['acc_a', 2, { id: 'acc_a', email: 'acc_a@example.com', enabled: true }],
      ['acc_b', 2, { id: 'acc_b', email: 'acc_b@example.com', enabled: true }],
      ['unknown', 1, null],
    ]);
    expect(usage.byRoute.map((r) => [r.route, r.requests])).toEqual([
      ['/v1/chat/completions', 4],
      ['/v1/responses', 1],
    ]);
    expect(usage.byModel.map((m) => [m.model, m.requests, m.unpricedRequests])).toEqual([
      ['gpt-5.3-codex', 4, 0],
      ['mystery', 1, 1],
    ]);
    expect(usage.byClientKey.map((k) => [k.clientKeyId, k.requests])).toEqual([
      ['key_1', 3],
      ['key_2', 1],
      ['unknown', 1],
    ]);
  });

  it('filters to the millisecond, inclusive at both ends, across a day boundary', () => {
    const history = StatsHistory.of(SAMPLE);
    const usage = history.usage({ sinceMs: T + 1000, untilMs: T + 3000 }, info);
    expect(usage.totals.requests).toBe(3);
    expect(usage.totals.firstAt).toBe(T + 1000);
    expect(usage.totals.lastAt).toBe(T + 3000);
    expect(history.usage({ sinceMs: T + 4001 }, info).totals.requests).toBe(0);
    expect(history.usage({ accountId: 'acc_b', route: '/v1/chat/completions' }, info).totals.requests).toBe(2);
    expect(history.usage({ model: 'never-seen' }, info).totals).toMatchObject({
      requests: 0,
      firstAt: null,
      p95LatencyMs: 0,
    });
    expect(history.usage({ clientKeyId: 'key_2' }, info).totals.requests).toBe(1);
  });

  it('gives empty results, not errors, on an empty history', () => {
    const usage = StatsHistory.of([]).usage({}, info);
    expect(usage.totals).toMatchObject({
      requests: 0,
      errorRate: 0,
      successRate: 0,
      avgLatencyMs: 0,
      firstAt: null,
      lastAt: null,
    });
    expect(usage.byAccount).toEqual([]);
  });
});

describe('StatsHistory over 100,000 generated records', () => {
  const records = [...generateHistory({ count: 100_000, seed: 7, spanMs: 30 * DAY })];
  const exact = StatsHistory.of(records, Infinity);
  const sketched = StatsHistory.of(records);
  const start = records[0]!.at;
  const inRange = (f: StatsFilters) => (r: StatsRecord) =>
    (f.sinceMs === undefined || r.at >= f.sinceMs) &&
    (f.untilMs === undefined || r.at <= f.untilMs) &&
    (f.accountId === undefined || (r.accountId ?? 'unknown') === f.accountId) &&
    (f.route === undefined || r.route === f.route) &&
    (f.model === undefined || r.model === f.model) &&
    (f.clientKeyId === undefined || (r.clientKeyId ?? 'unknown') === f.clientKeyId);

  const ranges: [string, StatsFilters][] = [
    ['everything', {}],
    ['mid-day to mid-day across many days', { sinceMs: start + 3 * DAY + 12_345, untilMs: start + 17 * DAY + 54_321 }],
    ['exactly one UTC day', { sinceMs: Date.UTC(2025, 0, 5), untilMs: Date.UTC(2025, 0, 6) - 1 }],
    ['inside a single day', { sinceMs: start + 2 * DAY + HOUR, untilMs: start + 2 * DAY + 5 * HOUR }],
    ['an account and a route', { accountId: 'acc_beta', route: '/v1/responses', sinceMs: start + DAY / 3 }],
    ['a model and a key', { model: 'gpt-5.2-codex', clientKeyId: 'key_ci', untilMs: start + 20 * DAY + 1 }],
    ['requests without an account', { accountId: 'unknown' }],
  ];

  it.each(ranges)('matches a plain recomputation: %s', (_name, filters) => {
    const expected = records.filter(inRange(filters));
    const usage = exact.usage(filters, () => null);
    expect(usage.tracesMatched).toBe(expected.length);
    expectMatchesReference(usage.totals, expected);
    for (const byModel of usage.byModel) {
      expectMatchesReference(
        byModel,
        expected.filter((r) => (r.model ?? 'unknown') === byModel.model),
      );
    }
  });

  it.each(ranges)('answers from rollups with exact counts and sums: %s', (_name, filters) => {
    const expected = records.filter(inRange(filters));
    const usage = sketched.usage(filters, () => null);
    expectMatchesReference(usage.totals, expected, false);
    for (const byAccount of usage.byAccount) {
      const own = expected.filter((r) => (r.accountId ?? 'unknown') === byAccount.accountId);
      expectMatchesReference(byAccount, own, false);
    }
    for (const byKey of usage.byClientKey) {
      const own = expected.filter((r) => (r.clientKeyId ?? 'unknown') === byKey.clientKeyId);
      expectMatchesReference(byKey, own, false);
    }
  });

  it('keeps counts exact and percentiles within the histogram bound for groups past the exact limit', () => {
    const usage = sketched.usage({}, () => null);
    expectMatchesReference(usage.totals, records, false);
    const small = sketched.usage({ model: 'experimental-unpriced' }, () => null);
    expectMatchesReference(
      small.totals,
      records.filter((r) => r.model === 'experimental-unpriced'),
      true,
    );
  });

  it.each([
    ['exact, from single records', exact, { sinceMs: start + DAY + 1234, untilMs: start + 3 * DAY }],
    ['from hourly rollups', sketched, { sinceMs: start + DAY + 1234, untilMs: start + 25 * DAY + 17 }],
    [
      'from single records when no rollup holds the filter',
      sketched,
      { accountId: 'acc_alpha', untilMs: start + 20 * DAY },
    ],
  ] as const)('sums the hourly time series bucket by bucket: %s', (_name, history, filters) => {
    const { stats, matched } = history.traceStats(filters, HOUR);
    const expected = records.filter(inRange(filters));
    expect(matched).toBe(expected.length);
    const byBucket = new Map<number, StatsRecord[]>();
    for (const r of expected) {
      const at = Math.floor(r.at / HOUR) * HOUR;
      const bucket = byBucket.get(at) ?? [];
      bucket.push(r);
      byBucket.set(at, bucket);
    }
    for (const point of stats.timeseries) {
      const ref = referenceAggregate(byBucket.get(point.at) ?? []);
      expect([point.requests, point.errors, point.tokensInput, point.tokensOutput]).toEqual([
        ref.requests,
        ref.errors,
        ref.tokens.prompt,
        ref.tokens.completion,
      ]);
      expect(Math.abs(point.latencyP95Ms - ref.p95LatencyMs)).toBeLessThanOrEqual(ref.p95LatencyMs * 0.032);
    }
    expect(stats.timeseries.reduce((n, p) => n + p.requests, 0)).toBe(expected.length);
    const models = stats.models.map((m) => [m.model, m.count]);
    const byModel = new Map<string, number>();
    for (const r of expected) byModel.set(r.model ?? 'unknown', (byModel.get(r.model ?? 'unknown') ?? 0) + 1);
    expect(Object.fromEntries(models)).toEqual(Object.fromEntries(byModel));
  });
});

describe('StatsHistory trace stats (PROTOCOL §11.5)', () => {
  it('reports totals, models by count and a zero-filled ascending series', () => {
    const base = Date.UTC(2025, 0, 1, 10);
    const history = StatsHistory.of([
      rec({ at: base + 5, latencyMs: 10, tokensInput: 5, tokensTotal: 5 }),
      rec({ at: base + 3 * HOUR + 1, model: 'gpt-5-codex', status: 500, isError: true, latencyMs: 30 }),
      rec({ at: base + 3 * HOUR + 2, latencyMs: 20 }),
    ]);
    const response = history.traceStats({}, HOUR);
    expect(response).toMatchObject({ ok: true, filters: { bucketMs: HOUR }, totalStored: 3, matched: 3 });
    expect(response.stats.totals).toMatchObject({
      requests: 3,
      errors: 1,
      errorRate: 0.3333,
      tokensInput: 5,
      latencyP50Ms: 20,
      latencyP95Ms: 30,
    });
    expect(response.stats.models.map((m) => [m.model, m.count, m.okCount, m.errorCount])).toEqual([
      ['gpt-5.3-codex', 2, 2, 0],
      ['gpt-5-codex', 1, 0, 1],
    ]);
    expect(response.stats.timeseries.map((p) => [p.at - base, p.requests])).toEqual([
      [0, 1],
      [HOUR, 0],
      [2 * HOUR, 0],
      [3 * HOUR, 2],
    ]);
  });

  it('widens a bucket too fine for the range, and says so in filters', () => {
    const records = [rec({ at: Date.UTC(2025, 0, 1) }), rec({ at: Date.UTC(2025, 2, 1) })];
    const response = StatsHistory.of(records).traceStats({}, 1000);
    expect(response.filters.bucketMs).toBeGreaterThan(1000);
    expect(response.filters.bucketMs % 1000).toBe(0);
    expect(response.stats.timeseries.length).toBeLessThanOrEqual(MAX_BUCKETS);
    expect(response.stats.timeseries.reduce((n, p) => n + p.requests, 0)).toBe(2);
  });
});

describe('StatsHistory file', () => {
  let dir: TempDir;
  beforeEach(() => (dir = tempDir('mcp-stats-')));
  afterEach(() => dir.cleanup());

  it('appends, and a new instance loads the same stats back', async () => {
    const path = join(dir.path, 'requests-stats-history.jsonl');
    const first = new StatsHistory(path);
    for (const record of SAMPLE) first.append(record);
    await first.close();
    const second = new StatsHistory(path);
    await second.load();
    expect(second.usage({}, info)).toEqual(StatsHistory.of(SAMPLE).usage({}, info));
    await second.close();
  });

  it('streams a generated file and skips a torn last line', async () => {
    const path = join(dir.path, 'history.jsonl');
    await writeHistoryFile(path, { count: 5000, seed: 3 });
    appendFileSync(path, '{"id":"torn","at":17');
    const history = new StatsHistory(path);
    expect(await history.load()).toEqual({ records: 5000, skipped: 1 });
    expectMatchesReference(history.usage({}, () => null).totals, [...generateHistory({ count: 5000, seed: 3 })]);
    await history.close();
  });
});
