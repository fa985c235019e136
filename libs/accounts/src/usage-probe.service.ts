import { Injectable, Logger } from '@nestjs/common';
import { AppConfig, Clock, Timers } from '@mcp/config';
import { UPSTREAM_PATHS, parseWhamUsage } from '@mcp/codex';
import type { Account } from './account';
import { AccountsService } from './accounts.service';
import { type UpstreamJsonResponse, ChatgptHttp } from './chatgpt-http';
import { mapWithLimit } from './concurrency';
import { NeedsReauthError, UpstreamCallError } from './errors';
import { TokenService } from './token.service';

const PROBE_CONCURRENCY = 4;
const JITTER = 0.1;

export interface ProbeAllResult {
  accounts: Account[];
  errors: { accountId: string; message: string }[];
}

/**
 * Quota probes via /backend-api/wham/usage (PROTOCOL §6): on demand, for everyone, and on a
 * jittered per-account schedule driven by `runDue()`. Never two probes of one account at once.
 */
@Injectable()
export class UsageProbeService {
  private readonly logger = new Logger('UsageProbe');
  private readonly inFlight = new Map<string, Promise<Account>>();
  private readonly nextDue = new Map<string, number>();

  constructor(
    private readonly accounts: AccountsService,
    private readonly tokens: TokenService,
    private readonly http: ChatgptHttp,
    private readonly config: AppConfig,
    private readonly clock: Clock,
    private readonly timers: Timers,
  ) {}

  /** Probes one account now (joining a probe already running) and returns it with the new usage. */
  probe(id: string): Promise<Account> {
    let running = this.inFlight.get(id);
    if (!running) {
      running = this.runProbe(id).finally(() => {
        this.inFlight.delete(id);
        this.nextDue.set(id, this.clock.now() + this.jitteredInterval());
      });
      this.inFlight.set(id, running);
    }
    return running;
  }

  /** Probes every enabled account, a few at a time; failures are reported, not thrown. */
  async probeAll(): Promise<ProbeAllResult> {
    const targets = this.accounts.list().filter((account) => account.enabled);
    const errors: ProbeAllResult['errors'] = [];
    await mapWithLimit(targets, PROBE_CONCURRENCY, async (account) => {
      try {
        await this.probe(account.id);
      } catch (error) {
        errors.push({ accountId: account.id, message: (error as Error).message });
      }
    });
    return { accounts: this.accounts.list(), errors };
  }

  /** One scheduler tick: probes the signed-in accounts whose jittered next-due time has passed. */
  async runDue(): Promise<void> {
    const now = this.clock.now();
    const live = new Set<string>();
    const due: string[] = [];
    for (const account of this.accounts.usable()) {
      live.add(account.id);
      let next = this.nextDue.get(account.id);
      if (next === undefined) {
        next = this.firstDue(account, now);
        this.nextDue.set(account.id, next);
      }
      if (next <= now && !this.inFlight.has(account.id)) due.push(account.id);
    }
    for (const id of this.nextDue.keys()) if (!live.has(id)) this.nextDue.delete(id);
    await mapWithLimit(due, PROBE_CONCURRENCY, (id) =>
      this.probe(id).catch((error: unknown) => this.logger.warn(`Probe of ${id} failed: ${(error as Error).message}`)),
    );
  }

  /** When the schedule will next probe this account (ms), if it is scheduled. */
  nextProbeAt(id: string): number | undefined {
    return this.nextDue.get(id);
  }

  private async runProbe(id: string): Promise<Account> {
    try {
      const account = this.accounts.require(id);
      let token = await this.tokens.accessToken(id);
      let response = await this.fetchUsage(account, token);
      if (response.status === 401) {
        token = await this.tokens.refresh(id, token);
        response = await this.fetchUsage(account, token);
        if (response.status === 401) {
          await this.accounts.markNeedsReauth(id, 'Needs re-login: the usage probe was refused twice (401)');
          throw new NeedsReauthError(id, 'the usage probe was refused twice (401)');
        }
      }
      if (response.status < 200 || response.status >= 300) {
        throw new UpstreamCallError(`usage probe answered HTTP ${response.status}`, response.status);
      }
      const snapshot = parseWhamUsage(response.body, this.clock.now());
      if (!snapshot) throw new UpstreamCallError('usage probe answered without usable quota data', response.status);
      this.accounts.recordUsage(id, snapshot);
      return this.accounts.require(id);
    } catch (error) {
      // A failed probe keeps the previous snapshot and is retried on the next tick (§6).
      if (!(error instanceof NeedsReauthError)) {
        const status = error instanceof UpstreamCallError ? error.status : undefined;
        this.accounts.recordError(id, `Usage probe failed: ${(error as Error).message}`, status);
      }
      throw error;
    }
  }

  private fetchUsage(account: Account, accessToken: string): Promise<UpstreamJsonResponse> {
    return this.http.getAsAccount(
      UPSTREAM_PATHS.usage,
      { accessToken, chatgptAccountId: account.chatgptAccountId },
      { timeoutMs: this.config.usageTimeoutMs },
    );
  }

  /** Right away, unless a recent probe (e.g. before a restart) is still fresh. */
  private firstDue(account: Account, now: number): number {
    const usage = account.usage;
    if (usage?.source !== 'probe') return now;
    const due = usage.fetchedAt + this.jitteredInterval();
    return due > now ? due : now;
  }

  /** USAGE_REFRESH_INTERVAL_MS ± 10 %, so accounts drift apart instead of probing in lockstep. */
  private jitteredInterval(): number {
    const interval = this.config.usageRefreshIntervalMs;
    return Math.round(interval * (1 - JITTER + 2 * JITTER * this.timers.random()));
  }
}
