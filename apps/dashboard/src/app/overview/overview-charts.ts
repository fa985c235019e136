import type { ChartConfiguration, ChartOptions } from 'chart.js';
import type { TraceStats } from '@mcp/contracts';

export type Series = TraceStats['timeseries'];

export interface StatsRange {
  id: '24h' | '7d' | '30d';
  label: string;
  spanMs: number;
  bucketMs: number;
}

const HOUR = 3_600_000;

export const STATS_RANGES: readonly StatsRange[] = [
  { id: '24h', label: '24 hours', spanMs: 24 * HOUR, bucketMs: HOUR },
  { id: '7d', label: '7 days', spanMs: 7 * 24 * HOUR, bucketMs: 6 * HOUR },
  { id: '30d', label: '30 days', spanMs: 30 * 24 * HOUR, bucketMs: 24 * HOUR },
];

export const CHART_COLORS = {
  requests: '#4f6bed',
  errors: '#e5484d',
  input: '#12a594',
  output: '#8e4ec6',
  cost: '#d9a21b',
} as const;

/** Hour labels for sub-day buckets, day labels otherwise. */
export function bucketLabel(at: number, bucketMs: number): string {
  const date = new Date(at);
  if (bucketMs >= 24 * HOUR) return date.toLocaleDateString(undefined, { month: 'short', day: 'numeric' });
  if (bucketMs >= 6 * HOUR) {
    return `${date.toLocaleDateString(undefined, { month: 'short', day: 'numeric' })} ${date.toLocaleTimeString(undefined, { hour: '2-digit' })}`;
  }
  return date.toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' });
}

function emptyPoint(at: number): Series[number] {
  return {
    at,
    requests: 0,
    errors: 0,
    costUsd: 0,
    latencyP50Ms: 0,
    latencyP95Ms: 0,
    tokensInput: 0,
    tokensInputCached: 0,
    tokensOutput: 0,
    tokensReasoning: 0,
    tokensTotal: 0,
  };
}

/**
 * Lays the server's points onto every bucket of the range, so quiet hours show as zeros instead of being
 * squeezed out, whatever alignment the server used for its buckets.
 */
export function fillBuckets(series: Series, sinceMs: number, untilMs: number, bucketMs: number): Series {
  const first = Math.floor(sinceMs / bucketMs) * bucketMs;
  const count = Math.max(1, Math.floor((untilMs - first) / bucketMs) + 1);
  const buckets = Array.from({ length: count }, (_, i) => emptyPoint(first + i * bucketMs));
  for (const point of series) {
    const bucket = buckets[Math.min(count - 1, Math.max(0, Math.floor((point.at - first) / bucketMs)))];
    if (!bucket) continue;
    bucket.requests += point.requests;
    bucket.errors += point.errors;
    bucket.costUsd += point.costUsd;
    bucket.tokensInput += point.tokensInput;
    bucket.tokensInputCached += point.tokensInputCached;
    bucket.tokensOutput += point.tokensOutput;
    bucket.tokensReasoning += point.tokensReasoning;
    bucket.tokensTotal += point.tokensTotal;
    bucket.latencyP50Ms = Math.max(bucket.latencyP50Ms, point.latencyP50Ms);
    bucket.latencyP95Ms = Math.max(bucket.latencyP95Ms, point.latencyP95Ms);
  }
  return buckets;
}

function baseOptions(stacked: boolean, wholeNumbers = true): ChartOptions {
  return {
    responsive: true,
    maintainAspectRatio: false,
    animation: false,
    interaction: { mode: 'index', intersect: false },
    plugins: { legend: { position: 'bottom', labels: { boxWidth: 12, color: '#8a8f98' } } },
    scales: {
      x: { stacked, grid: { display: false }, ticks: { maxTicksLimit: 8, color: '#8a8f98' } },
      y: {
        stacked,
        beginAtZero: true,
        grid: { color: 'rgba(128,128,128,0.15)' },
        // Counts are whole numbers: no 0.2 / 0.4 ticks. Costs are fractions of a dollar.
        ticks: { color: '#8a8f98', precision: wholeNumbers ? 0 : undefined },
      },
    },
  };
}

export function requestsChart(series: Series, bucketMs: number): ChartConfiguration {
  return {
    type: 'bar',
    data: {
      labels: series.map((p) => bucketLabel(p.at, bucketMs)),
      datasets: [
        {
          label: 'Succeeded',
          data: series.map((p) => p.requests - p.errors),
          backgroundColor: CHART_COLORS.requests,
          borderRadius: 3,
        },
        { label: 'Errors', data: series.map((p) => p.errors), backgroundColor: CHART_COLORS.errors, borderRadius: 3 },
      ],
    },
    options: baseOptions(true),
  };
}

export function tokensChart(series: Series, bucketMs: number): ChartConfiguration {
  const line = (label: string, data: number[], color: string) => ({
    label,
    data,
    borderColor: color,
    backgroundColor: `${color}33`,
    fill: true,
    tension: 0.3,
    pointRadius: 0,
  });
  return {
    type: 'line',
    data: {
      labels: series.map((p) => bucketLabel(p.at, bucketMs)),
      datasets: [
        line(
          'Input',
          series.map((p) => p.tokensInput),
          CHART_COLORS.input,
        ),
        line(
          'Output',
          series.map((p) => p.tokensOutput),
          CHART_COLORS.output,
        ),
      ],
    },
    options: baseOptions(false),
  };
}

export function costChart(series: Series, bucketMs: number): ChartConfiguration {
  return {
    type: 'bar',
    data: {
      labels: series.map((p) => bucketLabel(p.at, bucketMs)),
      datasets: [
        {
          label: 'Cost (USD)',
          data: series.map((p) => Number(p.costUsd.toFixed(4))),
          backgroundColor: CHART_COLORS.cost,
          borderRadius: 3,
        },
      ],
    },
    options: baseOptions(false, false),
  };
}
