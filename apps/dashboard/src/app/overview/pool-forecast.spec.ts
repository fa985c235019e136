import type { PoolForecast } from '@mcp/contracts';
import { forecastSummary } from './pool-forecast';

const NOW = Date.UTC(2026, 0, 1, 9, 0, 0);
const HOUR = 3_600_000;

function forecast(patch: Partial<PoolForecast>): PoolForecast {
  return {
    model: null,
    generatedAt: NOW,
    requestsPerHour: 120,
    observedMinutes: 60,
    requestsLeft: 400,
    exhaustedNow: false,
    dryAt: NOW + 3 * HOUR + 20 * 60_000,
    capacityBackAt: NOW + 5 * HOUR,
    capacityBackAccountId: 'acc_a',
    relativeError: 0.12,
    horizonMs: 8 * 24 * HOUR,
    basis: 'ok',
    accounts: [],
    ...patch,
  };
}

describe('forecastSummary', () => {
  it('says when the pool runs dry at this pace, how sure, and when capacity returns', () => {
    const summary = forecastSummary(forecast({}), NOW);
    expect(summary.headline).toMatch(/^At this pace the pool lasts until /);
    expect(summary.note).toMatch(/^in 3h 20m \(±12 %\) at 120 requests an hour; capacity returns at .+ \(in 5h\)$/);
    expect(summary.tone).toBe('warn');
  });

  it('is calm when resets outpace use, and plain when there is nothing to go on', () => {
    expect(forecastSummary(forecast({ dryAt: null }), NOW)).toMatchObject({
      tone: 'good',
      headline: 'At this pace the pool lasts beyond 8d',
    });
    expect(forecastSummary(forecast({ basis: 'no_pace', dryAt: null }), NOW).headline).toBe('No recent traffic');
    expect(forecastSummary(forecast({ basis: 'no_cost', dryAt: null }), NOW).headline).toBe(
      'Learning the cost per request',
    );
    expect(forecastSummary(undefined, NOW).headline).toBe('Forecast unavailable');
  });

  it('says the pool is dry now and when it comes back', () => {
    const summary = forecastSummary(forecast({ exhaustedNow: true, dryAt: NOW, capacityBackAt: NOW + 2 * HOUR }), NOW);
    expect(summary).toMatchObject({ tone: 'bad', headline: 'The pool is dry now' });
    expect(summary.note).toMatch(/\(in 2h\)$/);
  });
});
