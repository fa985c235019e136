import { Inject, Injectable, Logger, Optional } from '@nestjs/common';
import { setTimeout as sleep } from 'node:timers/promises';
import { AccountsService, ModelCatalogService } from '@mcp/accounts';
import { AppConfig, Clock, sharedStoreToken } from '@mcp/config';
import type { RoutingCandidateNote, RoutingSkipNote, TraceRouting } from '@mcp/contracts';
import { blockForFailure, describeFailure, type RoutingFailure } from './block-policy';
import { eligibility } from './eligibility';
import { PoolForecastService } from './forecast/pool-forecast.service';
import { explainNoAccount, NoAccountAvailableError } from './no-account';
import { rankCandidates } from './ranking';
import { activeAccountBlock, activeModelBlock, type RoutingAccount } from './routing-account';
import { SessionAffinity } from './session-affinity';

export interface ChooseOptions {
  /** The request's session key (§2.4); its account is preferred while it is a candidate (§7.3). */
  sessionKey?: string | null;
  /** Accounts already tried in this request (§7.1 #5). */
  excluded?: ReadonlySet<string>;
}

/** The ranked choice and why: the first candidate is the account to use. Goes into the trace as is. */
export type RoutingDecision = TraceRouting;

/**
 * Account choice, blocks and session affinity (PROTOCOL.md §7). The decisions themselves are pure
 * functions over the accounts' current state; this service reads that state from AccountsService
 * and writes back what a decision implies. Blocks are judged against the clock at every choice,
 * so they lift themselves when their time passes.
 */
@Injectable()
export class RoutingService {
  private readonly logger = new Logger('Routing');
  private readonly affinity: SessionAffinity;

  constructor(
    private readonly accounts: AccountsService,
    private readonly catalog: ModelCatalogService,
    private readonly config: AppConfig,
    private readonly clock: Clock,
    @Optional() @Inject(sharedStoreToken('SessionAffinity')) shared?: SessionAffinity,
    @Optional() private readonly forecasts?: PoolForecastService,
  ) {
    // A shared store (STORAGE=postgres) keeps a session on its account whichever replica serves it.
    this.affinity = shared ?? new SessionAffinity(config.sessionAffinityTtlMs);
  }

  /** Ranks the accounts that may serve `model` now; throws NoAccountAvailableError when none may. */
  choose(model: string, options: ChooseOptions = {}): RoutingDecision {
    const now = this.clock.now();
    const all: RoutingAccount[] = this.accounts.snapshot();
    const modelAccounts = this.catalog.accountsFor(model);
    const eligible: RoutingAccount[] = [];
    const skipped: RoutingSkipNote[] = [];
    for (const account of all) {
      const result = eligibility(account, model, now, modelAccounts, options.excluded);
      if (result.ok) {
        eligible.push(account);
        continue;
      }
      // A spent window is recorded as a quota block so the dashboard shows it and probes can lift it.
      if (result.record) this.accounts.setBlock(account.id, result.record);
      skipped.push({ accountId: account.id, reason: result.reason });
    }
    if (eligible.length === 0) {
      throw new NoAccountAvailableError(explainNoAccount(all, model, now, modelAccounts, options.excluded), now);
    }
    const { candidates, sessionAffinity } = this.applyAffinity(rankCandidates(eligible, now), options.sessionKey, now);
    const chosen = candidates[0];
    if (chosen) this.accounts.markSelected(chosen.accountId);
    return { candidates, skipped, sessionAffinity };
  }

  /**
   * Like choose, but when every account is blocked and one frees up within
   * HANG_RETRY_MAX_DURATION_MS, waits for it instead of failing (off when the setting is 0).
   */
  async chooseOrWait(model: string, options: ChooseOptions = {}, signal?: AbortSignal): Promise<RoutingDecision> {
    const deadline = this.clock.now() + this.config.hangRetryMaxDurationMs;
    for (;;) {
      try {
        return this.choose(model, options);
      } catch (error) {
        const waitMs = this.waitFor(error, deadline);
        if (waitMs === undefined) throw error;
        await sleep(waitMs, undefined, { signal });
      }
    }
  }

  /** Writes the block or cooldown a classified upstream failure implies (§4.2, §7.4) and the account's lastError. */
  recordFailure(accountId: string, model: string, failure: RoutingFailure): void {
    const account = this.accounts.snapshotOf(accountId);
    if (!account) return;
    const now = this.clock.now();
    this.accounts.recordError(accountId, describeFailure(failure), failure.status ?? undefined);
    const decision = blockForFailure(failure, model, now, this.config, account.usage);
    if (!decision) return;
    // Never shorten a block already in force (e.g. a quota block outlasting a later cooldown).
    const current =
      decision.model === undefined ? activeAccountBlock(account, now) : activeModelBlock(account, decision.model, now);
    if (current && current.until >= decision.block.until) return;
    this.accounts.setBlock(accountId, decision.block, decision.model);
  }

  /** Remembers the session's account, stamps lastUsedAt, and lifts a transient cooldown the success disproves. */
  recordSuccess(accountId: string, sessionKey?: string | null, model?: string): void {
    const now = this.clock.now();
    this.affinity.remember(sessionKey ?? undefined, accountId, now);
    this.accounts.markUsed(accountId);
    this.forecasts?.observe(accountId);
    if (model === undefined) return;
    const account = this.accounts.snapshotOf(accountId);
    if (account && activeModelBlock(account, model, now)?.kind === 'transient') {
      this.accounts.clearBlocks(accountId, model).catch((error: unknown) => {
        this.logger.warn(`Clearing the transient cooldown of ${accountId} failed: ${(error as Error).message}`);
      });
    }
  }

  /** Sessions currently pinned to an account (for diagnostics). */
  get affinitySize(): number {
    return this.affinity.size;
  }

  private applyAffinity(
    ranked: RoutingCandidateNote[],
    sessionKey: string | null | undefined,
    now: number,
  ): { candidates: RoutingCandidateNote[]; sessionAffinity: boolean } {
    const owner = this.affinity.lookup(sessionKey ?? undefined, now);
    const index = owner === undefined ? -1 : ranked.findIndex((c) => c.accountId === owner);
    const pinned = ranked[index];
    if (!pinned) return { candidates: ranked, sessionAffinity: false };
    const rest = ranked.filter((_, i) => i !== index);
    const note: RoutingCandidateNote = {
      accountId: pinned.accountId,
      tier: 'affinity',
      reason: `session affinity; otherwise tier ${pinned.tier}: ${pinned.reason}`,
    };
    return { candidates: [note, ...rest], sessionAffinity: true };
  }

  /** How long to wait before choosing again, or undefined when waiting cannot help. */
  private waitFor(error: unknown, deadline: number): number | undefined {
    if (!(error instanceof NoAccountAvailableError)) return undefined;
    if (error.reason !== 'exhausted' && error.reason !== 'transient') return undefined;
    const now = this.clock.now();
    if (error.soonestResetAt === undefined || error.soonestResetAt > deadline || now >= deadline) return undefined;
    return Math.max(1, error.soonestResetAt - now);
  }
}
