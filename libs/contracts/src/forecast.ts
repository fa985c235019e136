/** One account's part of the pool forecast (GET /admin/forecast). */
export interface AccountForecast {
  accountId: string;
  /** `available`: may serve now; `exhausted`: a spent window or quota block; `unusable`: disabled, re-login, plan. */
  state: 'available' | 'exhausted' | 'unusable';
  /** Requests this account can still serve before a window fills, at its observed cost; null when unknown. */
  requestsLeft: number | null;
  /** Observed window-percent one request costs (5 h and weekly); null when not observed yet. */
  percentPerRequest: { fiveHour: number | null; weekly: number | null };
  /** When this account runs dry in the simulated pace (null: not within the horizon). */
  dryAt: number | null;
  /** The next reset that gives this account capacity back (epoch ms), if known. */
  nextResetAt: number | null;
}

/**
 * When the pool runs dry for a model at the current pace, and which reset brings capacity back.
 * Method and error: libs/routing/src/forecast/pool-forecast.ts.
 */
export interface PoolForecast {
  model: string | null;
  generatedAt: number;
  /** Requests per hour the pool served over the observation window (the "current pace"). */
  requestsPerHour: number;
  /** How many minutes of history the pace and costs come from. */
  observedMinutes: number;
  /** Requests the pool can still serve before every account is out (null when costs are unknown). */
  requestsLeft: number | null;
  /** True when no account may serve the model right now (quota). */
  exhaustedNow: boolean;
  /** When the pool runs dry at this pace; null when it lasts past the horizon, no pace is observed, or costs are unknown. */
  dryAt: number | null;
  /** The reset that brings capacity back once dry (or now, when exhausted). */
  capacityBackAt: number | null;
  /** The account whose reset that is. */
  capacityBackAccountId: string | null;
  /**
   * Rough relative error of `dryAt − now` (0.2 = ±20 %): cost resolution plus pace noise; null without an estimate.
   */
  relativeError: number | null;
  /** How far ahead the simulation looks (ms). */
  horizonMs: number;
  /** `ok`, or why there is no estimate: `no_pace` (nothing served lately), `no_cost` (no usage change observed). */
  basis: 'ok' | 'no_pace' | 'no_cost';
  accounts: AccountForecast[];
}
