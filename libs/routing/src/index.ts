// The only door of @mcp/routing: which account serves a request, and what a failure does to it.
export { RoutingModule } from './routing.module';
export { RoutingService } from './routing.service';
export type { ChooseOptions, RoutingDecision } from './routing.service';
export { PoolForecastService, FORECAST_HORIZON_MS, FORECAST_LOOKBACK_MS } from './forecast/pool-forecast.service';
export { simulatePool } from './forecast/pool-forecast';
export type { SimAccount, SimResult, SimWindow } from './forecast/pool-forecast';
export {
  NoAccountAvailableError,
  accountReadyAt,
  explainNoAccount,
  formatDuration,
  noAccountMessage,
  soonestReset,
} from './no-account';
export type { NoAccountDetails, NoAccountReason } from './no-account';
export { SOFT_RATE_LIMIT_MAX_MS, eligibility, isSoftBlock } from './eligibility';
export type { Candidate, Eligibility, Skip, SkipCode } from './eligibility';
export { rankCandidates } from './ranking';
export type { RankedCandidate, Tier } from './ranking';
export {
  QUARANTINE_AFTER_STRIKES,
  QUARANTINE_MAX_MS,
  blockForFailure,
  describeFailure,
  transientBlock,
} from './block-policy';
export type { BlockDecision, BlockDurations, FailureKind, RoutingFailure } from './block-policy';
export { SessionAffinity, DEFAULT_AFFINITY_ENTRIES } from './session-affinity';
export { exhaustion, currentWindow } from './routing-account';
export type { RoutingAccount, Exhaustion } from './routing-account';
