import { Injectable, OnModuleInit, Optional } from '@nestjs/common';
import { AccountsService, ModelCatalogService } from '@mcp/accounts';
import { Clock } from '@mcp/config';
import type { AccountForecast, PoolForecast } from '@mcp/contracts';
import { MetricsService } from '@mcp/tracing';
import { formatDuration } from '../no-account';
import {
  activeAccountBlock,
  activeModelBlock,
  currentWindow,
  isoSeconds,
  type RoutingAccount,
} from '../routing-account';
import { simulatePool, type SimAccount, type SimWindow } from './pool-forecast';
import { UsageHistory } from './usage-history';

/** The pace and costs come from the last hour of traffic. */
export const FORECAST_LOOKBACK_MS = 3_600_000;
/** Eight days: every weekly window resets within the horizon, so "capacity back" is always found. */
export const FORECAST_HORIZON_MS = 8 * 86_400_000;
const HARD_KINDS = new Set(['plan', 'account']);

/**
 * The pool forecast (method and error: ./pool-forecast.ts). Routing feeds it every success
 * (`observe`); `forecast(model)` answers for the accounts that may serve `model` (all when omitted).
 * Quota windows are per account, not per model, so the pace counts every request the pool served.
 */
@Injectable()
export class PoolForecastService implements OnModuleInit {
  private readonly history = new UsageHistory(FORECAST_LOOKBACK_MS);

  constructor(
    private readonly accounts: AccountsService,
    private readonly catalog: ModelCatalogService,
    private readonly clock: Clock,
    @Optional() private readonly metrics?: MetricsService,
  ) {}

  onModuleInit(): void {
    this.metrics?.registerPoolForecast(() => this.forecast());
  }

  /** A request `accountId` served, read with the account's usage right after it. */
  observe(accountId: string): void {
    this.history.note(accountId, this.accounts.snapshotOf(accountId)?.usage, this.clock.now());
  }

  forecast(model?: string): PoolForecast {
    const now = this.clock.now();
    const pace = this.history.pace(now);
    const allowed = model === undefined ? null : this.catalog.accountsFor(model);
    const all = this.accounts.snapshot();
    const sims = all.map((account) => this.simAccount(account, model, allowed, now));
    const result = simulatePool(sims, pace.requestsPerHour / 3_600_000, now, FORECAST_HORIZON_MS);
    const accounts: AccountForecast[] = all.map((account, i) => {
      const note = result.accounts.get(account.id);
      const sim = sims[i];
      return {
        accountId: account.id,
        state: !sim?.usable ? 'unusable' : (note?.requestsLeft ?? 1) > 0 ? 'available' : 'exhausted',
        requestsLeft: roundOrNull(note?.requestsLeft ?? null),
        percentPerRequest: {
          fiveHour: this.history.cost(account.id, 'fiveHour').percentPerRequest,
          weekly: this.history.cost(account.id, 'weekly').percentPerRequest,
        },
        dryAt: roundOrNull(note?.dryAt ?? null),
        nextResetAt: note?.nextResetAt ?? null,
      };
    });
    return {
      model: model ?? null,
      generatedAt: now,
      requestsPerHour: Math.round(pace.requestsPerHour * 10) / 10,
      observedMinutes: Math.round(pace.observedMs / 60_000),
      requestsLeft: roundOrNull(result.requestsLeft),
      exhaustedNow: result.exhaustedNow,
      dryAt: roundOrNull(result.dryAt),
      capacityBackAt: result.capacityBackAt,
      capacityBackAccountId: result.capacityBackAccountId,
      relativeError: result.dryAt !== null && !result.exhaustedNow ? this.relativeError(all, pace.requests) : null,
      horizonMs: FORECAST_HORIZON_MS,
      basis: result.basis,
      accounts,
    };
  }

  /**
   * One sentence for the all-exhausted 429 (§12.2): how long the pool lasts once capacity is back at `from`, at the
   * recent pace. Undefined when there is no pace or cost to go on.
   */
  outlook(model: string, from: number): string | undefined {
    const now = this.clock.now();
    const pace = this.history.pace(now);
    if (pace.requestsPerHour <= 0) return undefined;
    const allowed = this.catalog.accountsFor(model);
    const sims = this.accounts.snapshot().map((account) => this.simAccount(account, model, allowed, now));
    const result = simulatePool(sims, pace.requestsPerHour / 3_600_000, from, FORECAST_HORIZON_MS);
    if (result.basis !== 'ok') return undefined;
    const pace1 = `At the recent pace (${Math.round(pace.requestsPerHour)} requests an hour)`;
    if (result.dryAt === null) return `${pace1}, the pool then lasts more than ${formatDuration(FORECAST_HORIZON_MS)}.`;
    return `${pace1}, the pool then lasts until ${isoSeconds(result.dryAt)} (about ${formatDuration(result.dryAt - from)}).`;
  }

  private simAccount(
    account: RoutingAccount,
    model: string | undefined,
    allowed: readonly string[] | null,
    now: number,
  ): SimAccount {
    const block = activeAccountBlock(account, now);
    const modelBlock = model === undefined ? undefined : activeModelBlock(account, model, now);
    const usable =
      account.enabled &&
      !account.state.needsReauth &&
      (allowed === null || allowed.includes(account.id)) &&
      !(block && HARD_KINDS.has(block.kind)) &&
      modelBlock?.kind !== 'ineligible';
    const sim: SimAccount = { id: account.id, usable, windows: this.windows(account, now) };
    // Quota blocks hold capacity at zero until they end; cooldowns only demote, so they do not count here.
    const ends = [block, modelBlock].filter((b) => b?.kind === 'quota').map((b) => b?.until ?? 0);
    if (ends.length > 0) sim.blockedUntil = Math.max(...ends);
    return sim;
  }

  private windows(account: RoutingAccount, now: number): SimWindow[] {
    const windows: SimWindow[] = [];
    for (const name of ['fiveHour', 'weekly'] as const) {
      const stored = account.usage?.[name];
      if (!stored) continue;
      const w = currentWindow(stored, now);
      const cost = this.history.cost(account.id, name).percentPerRequest;
      windows.push({ usedPercent: w.usedPercent, resetAt: w.resetAt, lengthMs: w.windowSeconds * 1000, cost });
    }
    return windows;
  }

  /** ±0.5 point over the smallest movement a cost rests on, plus 1/√N for the pace. */
  private relativeError(accounts: readonly RoutingAccount[], requests: number): number | null {
    if (requests === 0) return null;
    let resolution = 0;
    for (const account of accounts) {
      for (const name of ['fiveHour', 'weekly'] as const) {
        const { deltaPercent } = this.history.cost(account.id, name);
        if (deltaPercent > 0) resolution = Math.max(resolution, 0.5 / deltaPercent);
      }
    }
    return Math.round((resolution + 1 / Math.sqrt(requests)) * 100) / 100;
  }
}

function roundOrNull(value: number | null): number | null {
  return value === null ? null : Math.round(value);
}
