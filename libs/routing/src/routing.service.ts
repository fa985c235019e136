import { Injectable, Logger, Optional } from '@nestjs/common';
import { AccountsService, ModelCatalogService } from '@mcp/accounts';
import { AppConfig, Clock, SystemTimers, Timers } from '@mcp/config';
import type { Block, RoutingCandidateNote, RoutingSkipNote, TraceRouting } from '@mcp/contracts';
import { blockForFailure, describeFailure, type RoutingFailure } from './block-policy';
import { eligibility, isSoftBlock } from './eligibility';
import { PoolForecastService } from './forecast/pool-forecast.service';
import { explainNoAccount, NoAccountAvailableError } from './no-account';
import { rankCandidates } from './ranking';
import { activeAccountBlock, activeModelBlock, isoSeconds, type RoutingAccount } from './routing-account';
import { SessionAffinity } from './session-affinity';

export interface ChooseOptions {
  /** The request's session key (§2.4); its account is preferred while it is a candidate (§7.3). */
  sessionKey?: string | null;
  /** Accounts already tried in this request (§7.1 #5). */
  excluded?: ReadonlySet<string>;
}

/** The ranked choice and why: the first candidate is the account to use. Goes into the trace as is. */
export type RoutingDecision = TraceRouting;

interface Cooling {
  account: RoutingAccount;
  block: Block;
}

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
  private readonly timers: Timers;

  constructor(
    private readonly accounts: AccountsService,
    private readonly catalog: ModelCatalogService,
    private readonly config: AppConfig,
    private readonly clock: Clock,
    // Provided by class only by a shared store (STORAGE=postgres): a session stays put whichever replica serves it.
    @Optional() shared?: SessionAffinity,
    @Optional() private readonly forecasts?: PoolForecastService,
    @Optional() timers?: Timers,
  ) {
    // A shared store (STORAGE=postgres) keeps a session on its account whichever replica serves it.
    this.affinity = shared ?? new SessionAffinity(config.sessionAffinityTtlMs);
    this.timers = timers ?? new SystemTimers();
  }

  /**
   * Ranks the accounts that may serve `model` now; throws NoAccountAvailableError when none may. Accounts in a soft
   * cooldown (§7.4 revised) stay candidates, ranked after every account without one, soonest cooldown end first;
   * quarantined ones come last.
   */
  choose(model: string, options: ChooseOptions = {}): RoutingDecision {
    const now = this.clock.now();
    const all: RoutingAccount[] = this.accounts.snapshot();
    const modelAccounts = this.catalog.accountsFor(model);
    const fresh: RoutingAccount[] = [];
    const cooling: Cooling[] = [];
    const skipped: RoutingSkipNote[] = [];
    for (const account of all) {
      const result = eligibility(account, model, now, modelAccounts, options.excluded);
      if (result.ok) {
        if (result.cooling) cooling.push({ account, block: result.cooling });
        else fresh.push(account);
        continue;
      }
      // A spent window is recorded as a quota block so the dashboard shows it and probes can lift it.
      if (result.record) this.accounts.setBlock(account.id, result.record);
      skipped.push({ accountId: account.id, reason: result.reason });
    }
    if (fresh.length === 0 && cooling.length === 0) {
      const details = explainNoAccount(all, model, now, modelAccounts, options.excluded);
      if (details.reason === 'exhausted' && details.soonestResetAt !== undefined) {
        const outlook = this.forecasts?.outlook(model, details.soonestResetAt);
        if (outlook) details.outlook = outlook;
      }
      throw new NoAccountAvailableError(details, now, skipped);
    }
    const ranked = [...rankCandidates(fresh, now), ...rankCooling(cooling, now)];
    const quarantined = new Set(cooling.filter((c) => c.block.kind === 'quarantine').map((c) => c.account.id));
    const { candidates, sessionAffinity } = this.applyAffinity(ranked, options.sessionKey, now, quarantined);
    const chosen = candidates[0];
    if (chosen) this.accounts.markSelected(chosen.accountId);
    return { candidates, skipped, sessionAffinity };
  }

  /**
   * Like choose, but when every account is blocked and one not yet tried in this request frees up within
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
        await this.timers.sleep(waitMs, signal);
      }
    }
  }

  /** Writes the block or cooldown a classified upstream failure implies (§4.2, §7.4) and the account's lastError. */
  recordFailure(accountId: string, model: string, failure: RoutingFailure): void {
    const account = this.accounts.snapshotOf(accountId);
    if (!account) return;
    const now = this.clock.now();
    this.accounts.recordError(accountId, describeFailure(failure), failure.status ?? undefined);
    // The stored entry, even if expired: a streak of transient failures grows into a quarantine.
    const previous = account.state.modelBlocks?.[model];
    const decision = blockForFailure(failure, model, now, this.config, account.usage, previous);
    if (!decision) return;
    // Never shorten a block already in force (e.g. a quota block outlasting a later cooldown).
    const current =
      decision.model === undefined ? activeAccountBlock(account, now) : activeModelBlock(account, decision.model, now);
    const growsStreak = decision.block.strikes !== undefined && current?.kind !== 'ineligible';
    if (current && current.until >= decision.block.until && !(growsStreak && isSoftBlock(current, now))) return;
    this.accounts.setBlock(accountId, decision.block, decision.model);
    if (decision.block.kind === 'quarantine' && previous?.kind !== 'quarantine') {
      const until = isoSeconds(decision.block.until);
      this.logger.warn(`${accountId} quarantined for ${model} until ${until}: ${decision.block.reason}`);
    }
  }

  /**
   * Remembers the session's account, stamps lastUsedAt, and lifts the soft cooldowns the success disproves: the
   * model's transient cooldown or quarantine (ending the streak) and a short account rate limit.
   */
  recordSuccess(accountId: string, sessionKey?: string | null, model?: string): void {
    const now = this.clock.now();
    this.affinity.remember(sessionKey ?? undefined, accountId, now);
    this.accounts.markUsed(accountId);
    this.forecasts?.observe(accountId);
    const account = this.accounts.snapshotOf(accountId);
    if (!account) return;
    const block = activeAccountBlock(account, now);
    if (block?.kind === 'rate_limit' && isSoftBlock(block, now)) {
      this.accounts.setBlock(accountId, { ...block, until: now });
    }
    if (model === undefined) return;
    const entry = account.state.modelBlocks?.[model];
    if (entry && (entry.kind === 'transient' || entry.kind === 'quarantine')) {
      if (entry.kind === 'quarantine') this.logger.log(`${accountId} served ${model} again: quarantine over`);
      this.accounts.clearBlocks(accountId, model).catch((error: unknown) => {
        this.logger.warn(`Clearing the cooldown of ${accountId} failed: ${(error as Error).message}`);
      });
    }
  }

  /** The account a session is pinned to (§7.3), if any: what the pooled usage endpoint shows the client (§13.4). */
  sessionOwner(sessionKey: string | null | undefined): string | undefined {
    return this.affinity.lookup(sessionKey ?? undefined, this.clock.now());
  }

  /** Sessions currently pinned to an account (for diagnostics). */
  get affinitySize(): number {
    return this.affinity.size;
  }

  /** §7.3: the session's account goes first while it is a candidate — cooling included, quarantined not. */
  private applyAffinity(
    ranked: RoutingCandidateNote[],
    sessionKey: string | null | undefined,
    now: number,
    quarantined: ReadonlySet<string>,
  ): { candidates: RoutingCandidateNote[]; sessionAffinity: boolean } {
    const owner = this.affinity.lookup(sessionKey ?? undefined, now);
    const index = owner === undefined || quarantined.has(owner) ? -1 : ranked.findIndex((c) => c.accountId === owner);
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
    // Only an account not yet tried in this request can help: the others stay excluded after any wait.
    const at = error.waitableAt;
    if (at === undefined || at > deadline || now >= deadline) return undefined;
    return Math.max(1, at - now);
  }
}

/** Cooling candidates: plain cooldowns before quarantines, each by the soonest end; the reason says so. */
function rankCooling(cooling: Cooling[], now: number): RoutingCandidateNote[] {
  const order = (c: Cooling) => (c.block.kind === 'quarantine' ? 1 : 0);
  const sorted = [...cooling].sort(
    (a, b) => order(a) - order(b) || a.block.until - b.block.until || (a.account.id < b.account.id ? -1 : 1),
  );
  return sorted.map(({ account, block }) => {
    const [note] = rankCandidates([account], now);
    const state = block.kind === 'quarantine' ? 'quarantined' : `cooling down (${block.kind})`;
    const reason = `${state} until ${isoSeconds(block.until)}; otherwise tier ${note?.tier ?? 3}: ${note?.reason ?? ''}`;
    return { accountId: account.id, tier: note?.tier ?? 3, reason };
  });
}
