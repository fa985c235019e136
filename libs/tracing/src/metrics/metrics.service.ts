import { Injectable, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import { type Account, AccountsService, TokenEvents } from '@mcp/accounts';
import { Clock } from '@mcp/config';
import type { AccountStatus, PoolForecast, TraceRecord } from '@mcp/contracts';

const SECONDS_BUCKETS = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300];
const NONE = 'none';

/** Requests of one route, status, model and account since the last scrape, with their tokens and cost. */
interface RequestTally {
  route: string;
  status: string;
  model: string;
  account: string;
  requests: number;
  input: number;
  cached_input: number;
  output: number;
  reasoning: number;
  cost: number;
}

const TOKEN_KINDS = ['input', 'cached_input', 'output', 'reasoning'] as const;

function newTally(route: string, status: string, model: string, account: string): RequestTally {
  return { route, status, model, account, requests: 0, input: 0, cached_input: 0, output: 0, reasoning: 0, cost: 0 };
}

/** Token counts that are not positive numbers add nothing (as a counter is never increased by them). */
function positive(n: number): number {
  return n > 0 ? n : 0;
}

/**
 * Prometheus metrics on a registry of our own (never prom-client's global one, so two apps in one
 * process — the e2e specs — do not collide). Request metrics come from finished traces; account
 * quota gauges are read from the accounts at scrape time.
 */
@Injectable()
export class MetricsService implements OnModuleInit, OnModuleDestroy {
  readonly registry = new Registry();
  private readonly requests: Counter<'route' | 'status' | 'model' | 'account'>;
  private readonly latency: Histogram<'route'>;
  private readonly ttfb: Histogram<'route'>;
  private readonly tokens: Counter<'kind' | 'model' | 'account'>;
  private readonly cost: Counter<'model'>;
  private readonly failovers: Counter<'reason'>;
  private readonly refreshes: Counter<'outcome'>;
  private readonly upstreamErrors: Counter<'class'>;
  private stopCountingRefreshes: (() => void) | undefined;
  /**
   * What finished requests add to the request, token and cost counters, folded in when the counters are read:
   * a request costs one map entry update instead of a labelled increment per counter.
   */
  private readonly tallies = new Map<string, RequestTally>();

  constructor(
    private readonly accounts: AccountsService,
    private readonly clock: Clock,
    private readonly tokenEvents: TokenEvents,
  ) {
    const registers = [this.registry];
    const collect = (): void => this.foldTallies();
    this.requests = new Counter({
      name: 'mcp_http_requests_total',
      help: 'Proxied requests by route, HTTP status, model and serving account',
      labelNames: ['route', 'status', 'model', 'account'],
      registers,
      collect,
    });
    this.latency = new Histogram({
      name: 'mcp_http_request_duration_seconds',
      help: 'Total duration of proxied requests',
      labelNames: ['route'],
      buckets: SECONDS_BUCKETS,
      registers,
    });
    this.ttfb = new Histogram({
      name: 'mcp_http_time_to_first_byte_seconds',
      help: 'Time until the first byte went to the client (the commit point)',
      labelNames: ['route'],
      buckets: SECONDS_BUCKETS,
      registers,
    });
    this.tokens = new Counter({
      name: 'mcp_tokens_total',
      help: 'Tokens by kind (input, cached_input, output, reasoning)',
      labelNames: ['kind', 'model', 'account'],
      registers,
      collect,
    });
    this.cost = new Counter({
      name: 'mcp_estimated_cost_usd_total',
      help: 'Estimated cost at API list prices',
      labelNames: ['model'],
      registers,
      collect,
    });
    this.failovers = new Counter({
      name: 'mcp_failovers_total',
      help: 'Attempts abandoned for another account, by reason',
      labelNames: ['reason'],
      registers,
    });
    this.refreshes = new Counter({
      name: 'mcp_token_refreshes_total',
      help: 'OAuth token refreshes by outcome',
      labelNames: ['outcome'],
      registers,
    });
    this.upstreamErrors = new Counter({
      name: 'mcp_upstream_errors_total',
      help: 'Failed upstream attempts by failure class',
      labelNames: ['class'],
      registers,
    });
    this.registerAccountGauges();
    collectDefaultMetrics({ register: this.registry, prefix: 'mcp_' });
  }

  /** Counts token refreshes as accounts' TokenEvents reports them. */
  onModuleInit(): void {
    this.stopCountingRefreshes = this.tokenEvents.onRefresh((outcome) => this.refresh(outcome));
  }

  onModuleDestroy(): void {
    this.stopCountingRefreshes?.();
  }

  /** Counts a finished request (called by TracingService.record for every trace). */
  observeRequest(trace: TraceRecord): void {
    const model = trace.model ?? NONE;
    const account = trace.accountId ?? NONE;
    const status = String(trace.status);
    const key = `${trace.route}\u0000${status}\u0000${model}\u0000${account}`;
    let tally = this.tallies.get(key);
    if (!tally) this.tallies.set(key, (tally = newTally(trace.route, status, model, account)));
    tally.requests += 1;
    tally.input += positive(trace.tokensInput);
    tally.cached_input += positive(trace.tokensInputCached);
    tally.output += positive(trace.tokensOutput);
    tally.reasoning += positive(trace.tokensReasoning);
    if (trace.costUsd) tally.cost += trace.costUsd;
    this.latency.observe({ route: trace.route }, trace.latencyMs / 1000);
    if (trace.ttfbMs !== null && trace.ttfbMs !== undefined)
      this.ttfb.observe({ route: trace.route }, trace.ttfbMs / 1000);
    for (const attempt of trace.attempts ?? [])
      if (attempt.class !== 'ok') this.upstreamErrors.inc({ class: attempt.class });
  }

  /** Adds the tallies since the last read to the counters (each counter's collect, so any read sees them all). */
  private foldTallies(): void {
    for (const t of this.tallies.values()) {
      this.requests.inc({ route: t.route, status: t.status, model: t.model, account: t.account }, t.requests);
      for (const kind of TOKEN_KINDS) {
        if (t[kind] > 0) this.tokens.inc({ kind, model: t.model, account: t.account }, t[kind]);
      }
      if (t.cost) this.cost.inc({ model: t.model }, t.cost);
    }
    this.tallies.clear();
  }

  /** An attempt given up for the next candidate (`reason`: the failure class, e.g. quota, transient). */
  failover(reason: string): void {
    this.failovers.inc({ reason });
  }

  /** A token refresh finished (`outcome`: success, failure, needs_reauth). */
  refresh(outcome: string): void {
    this.refreshes.inc({ outcome });
  }

  /** Gauges of the pool forecast, read at scrape time (routing registers its reader once). */
  registerPoolForecast(read: () => PoolForecast): void {
    const registers = [this.registry];
    const clock = this.clock;
    new Gauge({
      name: 'mcp_pool_dry_in_seconds',
      help: 'Seconds until the pool runs dry at the current pace (absent when it lasts past the forecast horizon)',
      registers,
      collect() {
        this.reset();
        const forecast = read();
        if (forecast.dryAt !== null) this.set(Math.max(0, (forecast.dryAt - clock.now()) / 1000));
      },
    });
    new Gauge({
      name: 'mcp_pool_requests_left',
      help: 'Requests the pool can still serve before every account is out, at the observed cost per request',
      registers,
      collect() {
        this.reset();
        const left = read().requestsLeft;
        if (left !== null) this.set(left);
      },
    });
  }

  /** The exposition text for GET /metrics. */
  render(): Promise<string> {
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  private registerAccountGauges(): void {
    const registers = [this.registry];
    const read = () => ({ list: this.accounts.list(), now: this.clock.now() });
    new Gauge({
      name: 'mcp_account_quota_used_percent',
      help: 'Used share of each quota window (five_hour, weekly) per account',
      labelNames: ['account', 'window'],
      registers,
      collect() {
        this.reset();
        for (const { account, window, usedPercent } of windowsOf(read().list))
          this.set({ account, window }, usedPercent);
      },
    });
    new Gauge({
      name: 'mcp_account_quota_reset_seconds',
      help: 'Seconds until each quota window resets, per account',
      labelNames: ['account', 'window'],
      registers,
      collect() {
        this.reset();
        const { list, now } = read();
        for (const { account, window, resetAt } of windowsOf(list)) {
          if (resetAt !== null) this.set({ account, window }, Math.max(0, (resetAt - now) / 1000));
        }
      },
    });
    new Gauge({
      name: 'mcp_account_blocked',
      help: '1 while the account is blocked or cooling down (kind: quota, plan, rate_limit, account)',
      labelNames: ['account', 'kind'],
      registers,
      collect() {
        this.reset();
        const { list, now } = read();
        for (const a of list) {
          const blocked = a.state.blockedUntil !== undefined && a.state.blockedUntil > now;
          this.set({ account: a.id, kind: blocked ? (a.state.blockKind ?? 'quota') : NONE }, blocked ? 1 : 0);
        }
      },
    });
    new Gauge({
      name: 'mcp_account_model_cooldown_seconds',
      help: 'Seconds left of per-model blocks and cooldowns (kind: transient, quarantine, ineligible, quota)',
      labelNames: ['account', 'model', 'kind'],
      registers,
      collect() {
        this.reset();
        const { list, now } = read();
        for (const a of list) {
          for (const [model, block] of Object.entries(a.state.modelBlocks ?? {})) {
            if (block.until > now) this.set({ account: a.id, model, kind: block.kind }, (block.until - now) / 1000);
          }
        }
      },
    });
    new Gauge({
      name: 'mcp_accounts',
      help: 'Accounts by status (available, blocked, needs_reauth, disabled)',
      labelNames: ['status'],
      registers,
      collect() {
        this.reset();
        const { list, now } = read();
        const counts = { available: 0, blocked: 0, needs_reauth: 0, disabled: 0 };
        for (const a of list) counts[statusOf(a, now)] += 1;
        for (const [status, n] of Object.entries(counts)) this.set({ status }, n);
      },
    });
  }
}

function windowsOf(
  accounts: Account[],
): { account: string; window: string; usedPercent: number; resetAt: number | null }[] {
  const rows: { account: string; window: string; usedPercent: number; resetAt: number | null }[] = [];
  for (const a of accounts) {
    if (a.usage?.fiveHour) rows.push({ account: a.id, window: 'five_hour', ...a.usage.fiveHour });
    if (a.usage?.weekly) rows.push({ account: a.id, window: 'weekly', ...a.usage.weekly });
  }
  return rows;
}

/** The admin API's status (PROTOCOL.md §11.2), computed here so tracing needs nothing of @mcp/accounts at load. */
function statusOf(account: Account, now: number): AccountStatus {
  if (!account.enabled) return 'disabled';
  if (account.state.needsReauth) return 'needs_reauth';
  return account.state.blockedUntil !== undefined && account.state.blockedUntil > now ? 'blocked' : 'available';
}
