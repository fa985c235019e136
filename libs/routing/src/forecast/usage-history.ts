import type { UsageSnapshot, UsageWindow } from '@mcp/contracts';

/** One window as seen after `served` requests of the account. */
interface Checkpoint {
  at: number;
  served: number;
  used: number;
}

/** A run of checkpoints within one window period (the same reset time). */
interface WindowTrack {
  resetAt: number | null;
  points: Checkpoint[];
}

interface AccountTrack {
  served: number;
  fiveHour?: WindowTrack;
  weekly?: WindowTrack;
}

export interface ObservedCost {
  /** Window-percent per request, or null when the window did not move or was not seen twice. */
  percentPerRequest: number | null;
  /** Percent points the estimate rests on (its resolution error is about ±0.5 of a point over this). */
  deltaPercent: number;
}

const CHECKPOINT_SPACING_MS = 60_000;
const MINUTE_MS = 60_000;
/** Resets reported a few seconds apart (headers vs probe) are the same period. */
const SAME_PERIOD_MS = 120_000;

/**
 * What the forecast learns from traffic: requests served per minute (the pace) and, per account,
 * checkpoints of (requests served, used percent) for each window, at most one a minute, kept for
 * `lookbackMs`. Fed on every success; memory stays bounded by lookback/minute per account.
 */
export class UsageHistory {
  private readonly accounts = new Map<string, AccountTrack>();
  /** Minute (epoch ms / 60 000) → requests served in it. */
  private readonly minutes = new Map<number, number>();

  constructor(readonly lookbackMs: number) {}

  /** A request served by `accountId`, with the account's usage snapshot right after it. */
  note(accountId: string, usage: UsageSnapshot | undefined, now: number): void {
    const minute = Math.floor(now / MINUTE_MS);
    this.minutes.set(minute, (this.minutes.get(minute) ?? 0) + 1);
    const track = this.accounts.get(accountId) ?? { served: 0 };
    track.served += 1;
    if (usage?.fiveHour) track.fiveHour = this.advance(track.fiveHour, usage.fiveHour, track.served, now);
    if (usage?.weekly) track.weekly = this.advance(track.weekly, usage.weekly, track.served, now);
    this.accounts.set(accountId, track);
    this.prune(now);
  }

  /** Requests per hour over the lookback (or since the first request seen, when that is shorter). */
  pace(now: number): { requestsPerHour: number; requests: number; observedMs: number } {
    this.prune(now);
    let requests = 0;
    let first = Infinity;
    for (const [minute, count] of this.minutes) {
      requests += count;
      first = Math.min(first, minute * MINUTE_MS);
    }
    if (requests === 0) return { requestsPerHour: 0, requests: 0, observedMs: 0 };
    // N arrivals span N−1 gaps: widen the span by one mean gap so the rate is not biased high. At least
    // a minute, so a burst in the first seconds is not read as a huge hourly rate.
    const span = now - first;
    const observedMs = Math.max(MINUTE_MS, span + span / requests);
    return { requestsPerHour: (requests * 3_600_000) / observedMs, requests, observedMs };
  }

  /** The account's observed cost per request on a window, from the first and last checkpoint of the current period. */
  cost(accountId: string, window: 'fiveHour' | 'weekly'): ObservedCost {
    const points = this.accounts.get(accountId)?.[window]?.points ?? [];
    const first = points[0];
    const last = points[points.length - 1];
    if (!first || !last || last.served <= first.served) return { percentPerRequest: null, deltaPercent: 0 };
    const delta = last.used - first.used;
    if (delta <= 0) return { percentPerRequest: null, deltaPercent: 0 };
    return { percentPerRequest: delta / (last.served - first.served), deltaPercent: delta };
  }

  forget(accountId: string): void {
    this.accounts.delete(accountId);
  }

  private advance(track: WindowTrack | undefined, window: UsageWindow, served: number, now: number): WindowTrack {
    const point: Checkpoint = { at: now, served, used: window.usedPercent };
    // A new period (the window reset) starts a new run: percent from before the reset says nothing now.
    if (!track || !samePeriod(track.resetAt, window.resetAt) || window.usedPercent < lastUsed(track)) {
      return { resetAt: window.resetAt, points: [point] };
    }
    const points = track.points;
    const tail = points[points.length - 1];
    const beforeTail = points[points.length - 2];
    if (tail && beforeTail && now - beforeTail.at < CHECKPOINT_SPACING_MS) points[points.length - 1] = point;
    else points.push(point);
    const horizon = now - this.lookbackMs;
    while (points.length > 2 && (points[0]?.at ?? now) < horizon) points.shift();
    return track;
  }

  private prune(now: number): void {
    const oldest = Math.floor((now - this.lookbackMs) / MINUTE_MS);
    for (const minute of this.minutes.keys()) if (minute < oldest) this.minutes.delete(minute);
  }
}

function samePeriod(a: number | null, b: number | null): boolean {
  if (a === null || b === null) return a === b;
  return Math.abs(a - b) <= SAME_PERIOD_MS;
}

function lastUsed(track: WindowTrack): number {
  return track.points[track.points.length - 1]?.used ?? 0;
}
