import type { Series } from './overview-charts';
import { fillBuckets, requestsChart } from './overview-charts';

const HOUR = 3600_000;
const T0 = Date.UTC(2026, 0, 1, 0, 0, 0);

function point(at: number, requests: number, errors = 0): Series[number] {
  return {
    at,
    requests,
    errors,
    costUsd: 0.01 * requests,
    latencyP50Ms: 100,
    latencyP95Ms: 300,
    tokensInput: 10 * requests,
    tokensInputCached: 0,
    tokensOutput: 5 * requests,
    tokensReasoning: 0,
    tokensTotal: 15 * requests,
  };
}

describe('overview charts', () => {
  it('lays sparse server buckets onto every bucket of the range, quiet ones as zero', () => {
    const filled = fillBuckets([point(T0 + 2 * HOUR, 4, 1)], T0, T0 + 5 * HOUR, HOUR);
    expect(filled.map((p) => p.at)).toEqual([0, 1, 2, 3, 4, 5].map((h) => T0 + h * HOUR));
    expect(filled.map((p) => p.requests)).toEqual([0, 0, 4, 0, 0, 0]);
    expect(filled[2]!.tokensTotal).toBe(60);
  });

  it('adds up points that fall into the same bucket whatever their alignment', () => {
    const filled = fillBuckets([point(T0 + 10 * 60_000, 2), point(T0 + 40 * 60_000, 3)], T0, T0 + HOUR, HOUR);
    expect(filled[0]!.requests).toBe(5);
  });

  it('draws successes and errors as separate stacked series', () => {
    const config = requestsChart([point(T0, 10, 3)], HOUR);
    const [ok, errors] = config.data.datasets;
    expect(ok!.data).toEqual([7]);
    expect(errors!.data).toEqual([3]);
  });
});
