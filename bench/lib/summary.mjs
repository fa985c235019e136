// Percentiles (nearest rank) and rounding for the report.

export function percentile(sorted, p) {
  if (sorted.length === 0) return null;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))];
}

/** n, p50, p90, p99, mean and max of a list of numbers. */
export function summarize(values) {
  const sorted = Float64Array.from(values).sort();
  const n = sorted.length;
  const mean = n === 0 ? null : sorted.reduce((sum, v) => sum + v, 0) / n;
  return {
    n,
    p50: percentile(sorted, 50),
    p90: percentile(sorted, 90),
    p99: percentile(sorted, 99),
    mean,
    max: n === 0 ? null : sorted[n - 1],
  };
}

export function round(value, digits = 3) {
  if (value === null || value === undefined || Number.isNaN(value)) return null;
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

export function sleep(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
