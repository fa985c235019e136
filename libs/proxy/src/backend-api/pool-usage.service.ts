import { Injectable } from '@nestjs/common';
import { AccountsService, ModelCatalogService } from '@mcp/accounts';
import { Clock } from '@mcp/config';
import {
  accountReadyAt,
  eligibility,
  PoolForecastService,
  rankCandidates,
  RoutingService,
  type RoutingAccount,
} from '@mcp/routing';
import {
  codexPlanType,
  codexRateLimitHeaders,
  summarizeWindow,
  whamCredits,
  whamWindows,
  type PoolMember,
  type WhamUsage,
} from './pool-usage';

interface PoolView {
  now: number;
  model: string;
  all: RoutingAccount[];
  servable: RoutingAccount[];
  /** The account the next request goes to, or (none can serve) the one that comes back first. */
  shown: RoutingAccount | undefined;
}

export interface PoolUsageQuery {
  /** The model the client asks about; every account is considered when absent. */
  model?: string;
  /** The client's session key (§2.4), so a pinned session sees its own account's windows. */
  sessionKey?: string;
}

/**
 * The pool as one client sees it (PROTOCOL.md §13.4): the windows of the account its next request would go to,
 * ranked by routing's own rules, `limit_reached` only when no account may serve, and a `pool` summary. Nothing
 * here names an account: no ids, no emails.
 */
@Injectable()
export class PoolUsageService {
  constructor(
    private readonly accounts: AccountsService,
    private readonly catalog: ModelCatalogService,
    private readonly routing: RoutingService,
    private readonly forecast: PoolForecastService,
    private readonly clock: Clock,
  ) {}

  forClient(query: PoolUsageQuery): WhamUsage {
    const { now, model, all, servable, shown } = this.view(query);
    const members: PoolMember[] = all.map((a) => ({ usage: a.usage, canServe: servable.includes(a) }));
    const backAt = servable.length > 0 || !shown ? undefined : accountReadyAt(shown, model, now);
    return {
      ...this.accountPart(shown, servable.length > 0, now),
      pool: {
        accounts: all.length,
        available_accounts: servable.length,
        five_hour: summarizeWindow(members, (u) => u.fiveHour, now),
        weekly: summarizeWindow(members, (u) => u.weekly, now),
        dry_at: this.dryAt(query.model),
        available_again_at: backAt === undefined ? null : Math.ceil(backAt / 1000),
      },
    };
  }

  /** The same view as `x-codex-*` headers, for answers through the ChatGPT-shaped prefix (no forecast: per request). */
  headersFor(query: PoolUsageQuery): Record<string, string> {
    const { now, servable, shown } = this.view(query);
    return codexRateLimitHeaders(this.accountPart(shown, servable.length > 0, now));
  }

  private view(query: PoolUsageQuery): PoolView {
    const now = this.clock.now();
    const model = query.model ?? '';
    const modelAccounts = query.model ? this.catalog.accountsFor(query.model) : null;
    const all: RoutingAccount[] = this.accounts.snapshot().filter((a) => a.enabled && !a.state.needsReauth);
    const servable = all.filter((a) => eligibility(a, model, now, modelAccounts).ok);
    const shown = this.nextAccount(servable, query.sessionKey, now) ?? this.soonestBack(all, model, now);
    return { now, model, all, servable, shown };
  }

  private accountPart(shown: RoutingAccount | undefined, canServe: boolean, now: number): Omit<WhamUsage, 'pool'> {
    const plan = shown?.usage?.planType ?? (shown ? this.accounts.snapshotOf(shown.id)?.planType : undefined);
    return {
      plan_type: codexPlanType(plan),
      rate_limit: { allowed: canServe, limit_reached: !canServe, ...whamWindows(shown?.usage, now) },
      credits: whamCredits(shown?.usage),
    };
  }

  /** The forecast's moment the pool runs dry at the current pace (§13.4), in epoch seconds. */
  private dryAt(model: string | undefined): number | null {
    const dry = this.forecast.forecast(model).dryAt;
    return dry === null ? null : Math.ceil(dry / 1000);
  }

  /** Routing's ranking (§7.2) with the session's pinned account first (§7.3): who serves the next request. */
  private nextAccount(
    servable: readonly RoutingAccount[],
    sessionKey: string | undefined,
    now: number,
  ): RoutingAccount | undefined {
    const owner = this.routing.sessionOwner(sessionKey);
    const pinned = owner === undefined ? undefined : servable.find((a) => a.id === owner);
    if (pinned) return pinned;
    const first = rankCandidates(servable, now)[0];
    return first ? servable.find((a) => a.id === first.accountId) : undefined;
  }

  /** With nobody able to serve, the account that comes back first: its windows explain the wait. */
  private soonestBack(accounts: readonly RoutingAccount[], model: string, now: number): RoutingAccount | undefined {
    let best: { account: RoutingAccount; at: number } | undefined;
    for (const account of accounts) {
      const at = accountReadyAt(account, model, now) ?? Number.POSITIVE_INFINITY;
      if (!best || at < best.at) best = { account, at };
    }
    return best?.account;
  }
}
