import fc from 'fast-check';
import { LatencySketch, selectKth } from './latency-sketch';

function nearestRank(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.max(1, Math.ceil((p / 100) * sorted.length)) - 1]!;
}

describe('LatencySketch', () => {
  it('uses the nearest-rank definition', () => {
    const sketch = new LatencySketch(100);
    for (const ms of [10, 9, 8, 7, 6, 5, 4, 3, 2, 1]) sketch.add(ms);
    expect([sketch.percentile(10), sketch.percentile(50), sketch.percentile(95), sketch.percentile(100)]).toEqual([
      1, 5, 10, 10,
    ]);
  });

  it('answers 0 for an empty group', () => {
    expect(new LatencySketch(10).percentile(95)).toBe(0);
  });

  it('is exact while within its limit', () => {
    fc.assert(
      fc.property(
        fc.array(fc.nat({ max: 600_000 }), { minLength: 1, maxLength: 300 }),
        fc.integer({ min: 1, max: 100 }),
        (values, p) => {
          const sketch = new LatencySketch(1000);
          values.forEach((v) => sketch.add(v));
          return sketch.exact && sketch.percentile(p) === nearestRank(values, p);
        },
      ),
    );
  });

  it('stays within ±3.2 % of the exact answer once it folds into a histogram', () => {
    fc.assert(
      fc.property(
        fc.array(fc.nat({ max: 4_000_000_000 }), { minLength: 20, maxLength: 400 }),
        fc.integer({ min: 1, max: 100 }),
        (values, p) => {
          const sketch = new LatencySketch(10);
          values.forEach((v) => sketch.add(v));
          const exact = nearestRank(values, p);
          return !sketch.exact && Math.abs(sketch.percentile(p) - exact) <= Math.max(0.5, exact * 0.032);
        },
      ),
    );
  });
});

describe('selectKth', () => {
  it('finds what sorting would', () => {
    fc.assert(
      fc.property(fc.array(fc.integer(), { minLength: 1, maxLength: 200 }), fc.nat(), (values, seed) => {
        const k = seed % values.length;
        const expected = [...values].sort((a, b) => a - b)[k];
        return selectKth([...values], k) === expected;
      }),
    );
  });
});
