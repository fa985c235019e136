import type { PoolForecast } from '@mcp/contracts';
import { formatDateTime, formatDuration } from '../core/format';

/** The Overview's forecast tile: a headline and a note, in the operator's words. */
export interface ForecastSummary {
  tone: 'good' | 'warn' | 'bad' | 'neutral';
  headline: string;
  note: string;
}

/** "At this pace the pool lasts until …" from GET /admin/forecast (method: libs/routing/src/forecast). */
export function forecastSummary(forecast: PoolForecast | undefined, now: number): ForecastSummary {
  if (!forecast) return { tone: 'neutral', headline: 'Forecast unavailable', note: 'no forecast loaded yet' };
  const back = forecast.capacityBackAt;
  if (forecast.exhaustedNow) {
    return {
      tone: 'bad',
      headline: 'The pool is dry now',
      note: back === null ? 'no reset time is known yet' : `capacity returns ${when(back, now)}`,
    };
  }
  if (forecast.basis === 'no_pace') {
    return { tone: 'neutral', headline: 'No recent traffic', note: 'nothing to extrapolate from in the last hour' };
  }
  if (forecast.basis === 'no_cost') {
    return {
      tone: 'neutral',
      headline: 'Learning the cost per request',
      note: 'no quota window has moved yet in the last hour',
    };
  }
  const pace = `${Math.round(forecast.requestsPerHour)} requests an hour`;
  if (forecast.dryAt === null) {
    return {
      tone: 'good',
      headline: `At this pace the pool lasts beyond ${formatDuration(forecast.horizonMs)}`,
      note: `resets refill it faster than ${pace} use it`,
    };
  }
  const error = forecast.relativeError === null ? '' : ` (±${Math.round(forecast.relativeError * 100)} %)`;
  const until = forecast.dryAt - now;
  return {
    tone: until < 3_600_000 ? 'bad' : until < 6 * 3_600_000 ? 'warn' : 'good',
    headline: `At this pace the pool lasts until ${formatDateTime(forecast.dryAt)}`,
    note: `in ${formatDuration(until)}${error} at ${pace}${back === null ? '' : `; capacity returns ${when(back, now)}`}`,
  };
}

function when(at: number, now: number): string {
  return at <= now ? 'now' : `at ${formatDateTime(at)} (in ${formatDuration(at - now)})`;
}
