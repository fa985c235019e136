import { BeforeApplicationShutdown, Injectable, Logger, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { Clock } from '@mcp/config';
import type { AccountState, Block, UsageSnapshot } from '@mcp/contracts';
import { type Account, emptyState } from './account';
import { AccountRepository } from './account.repository';
import { clearAccountBlock, nextUsage, reconcileBlocks } from './account-usage';
import {
  type RefreshedTokens,
  type TokenInput,
  type UpsertResult,
  applyLogin,
  applyRefreshedTokens,
  factsFromInput,
  sameIdentity,
} from './account-tokens';
import { AccountNotFoundError } from './errors';
import { SaveScheduler } from './save-scheduler';

const MAX_RECENT_ERRORS = 10;
const COALESCE_MS = 1000;

export interface AccountPatch {
  label?: string;
  email?: string;
  enabled?: boolean;
  priority?: number;
}

/** An account as the store holds it: deeply frozen, replaced (never changed) by every write. */
export type AccountSnapshot = Readonly<Account>;

/**
 * The account store: a working copy in memory, persisted through AccountRepository.
 * Changes that matter for login (create, delete, patch, token rotation, re-login) are durable
 * before the method resolves; usage and timestamps are coalesced into a write within 1 s.
 * Each stored account is frozen and replaced on write, so `snapshot()` hands out the stored objects
 * without copying (the request path reads them several times per request); list/get/require
 * return copies for callers that change what they get. Change an account only through these methods.
 */
@Injectable()
export class AccountsService implements OnModuleInit, OnModuleDestroy, BeforeApplicationShutdown {
  private readonly logger = new Logger('Accounts');
  /** Deeply frozen accounts: a write stores a new object (sharing the parts it did not change). */
  private readonly accounts = new Map<string, AccountSnapshot>();
  private readonly saver: SaveScheduler;
  private readonly signInListeners: Array<(accountId: string) => Promise<void>> = [];

  constructor(
    private readonly repository: AccountRepository,
    private readonly clock: Clock,
  ) {
    this.saver = new SaveScheduler(
      () => this.repository.save([...this.accounts.values()]),
      COALESCE_MS,
      (error) => this.logger.error(`Saving accounts failed: ${(error as Error).message}`),
    );
  }

  async onModuleInit(): Promise<void> {
    for (const account of await this.repository.load()) this.accounts.set(account.id, deepFreeze(account));
    this.logger.log(`${this.accounts.size} account(s) loaded`);
  }

  async onModuleDestroy(): Promise<void> {
    await this.flush();
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.flush();
  }

  /** Copies of every account: the caller may change them. */
  list(): Account[] {
    return [...this.accounts.values()].map((account) => copyAccount(account));
  }

  /** A copy of one account: the caller may change it. */
  get(id: string): Account | undefined {
    const account = this.accounts.get(id);
    return account && copyAccount(account);
  }

  /** Like get, but an unknown id throws AccountNotFoundError. */
  require(id: string): Account {
    return copyAccount(this.mustFind(id));
  }

  /** Every account as stored, without copying: frozen, and never changed afterwards (a write replaces it). */
  snapshot(): AccountSnapshot[] {
    return [...this.accounts.values()];
  }

  /** One account as stored, without copying (see snapshot). */
  snapshotOf(id: string): AccountSnapshot | undefined {
    return this.accounts.get(id);
  }

  /** Accounts routing may consider: enabled and signed in. Blocks are judged by the caller against its clock. */
  usable(): Account[] {
    return this.snapshot()
      .filter((account) => account.enabled && !account.state.needsReauth)
      .map((account) => copyAccount(account));
  }

  /** Ids of the usable accounts, without copying them (cheap enough for every request). */
  usableIds(): string[] {
    const ids: string[] = [];
    for (const account of this.accounts.values()) {
      if (account.enabled && !account.state.needsReauth) ids.push(account.id);
    }
    return ids;
  }

  /**
   * Work to do once an account's login is stored (new account or re-login), e.g. model discovery (§9.2), before
   * upsertFromTokens resolves. A listener bounds its own time; its failure never fails the login.
   */
  onSignIn(listener: (accountId: string) => Promise<void>): void {
    this.signInListeners.push(listener);
  }

  /** Creates an account, or updates the one with the same identity (or `targetId`, a re-login). Durable. */
  async upsertFromTokens(input: TokenInput, targetId?: string): Promise<UpsertResult> {
    const now = this.clock.now();
    const facts = factsFromInput(input);
    const target = targetId === undefined ? undefined : this.mustFind(targetId);
    const match = [...this.accounts.values()].find((account) => sameIdentity(account, facts));
    const warnings: string[] = [];
    if (facts.emailMismatch) {
      warnings.push(
        `Signed in as ${facts.emailMismatch.actual}, not ${facts.emailMismatch.typed}: the account uses the email of the login.`,
      );
    }
    if (target && match && match.id !== target.id) {
      warnings.push(`This login belongs to account ${match.id}, which was updated instead of ${target.id}.`);
    } else if (target && !match && target.chatgptAccountId && facts.chatgptAccountId !== target.chatgptAccountId) {
      warnings.push(
        `This login is a different ChatGPT account than the one ${target.id} had; ${target.id} now uses it.`,
      );
    }
    const existing = match ?? target;
    const account = existing ? copyAccount(existing) : this.newAccount(now);
    applyLogin(account, input, facts, now);
    this.accounts.set(account.id, deepFreeze(account));
    await this.saver.saveNow();
    await this.afterSignIn(account.id);
    const result: UpsertResult = {
      account: copyAccount(this.accounts.get(account.id) ?? account),
      created: existing === undefined,
    };
    if (warnings.length > 0) result.warning = warnings.join(' ');
    return result;
  }

  private async afterSignIn(id: string): Promise<void> {
    await Promise.all(
      this.signInListeners.map((listener) =>
        listener(id).catch((error: unknown) => this.logger.warn(`After sign-in of ${id}: ${(error as Error).message}`)),
      ),
    );
  }

  /** Stores rotated tokens; resolves only once they are durable, so the old refresh token is never needed again. */
  async applyRefresh(id: string, tokens: RefreshedTokens): Promise<Account> {
    const account = this.edit(id, (draft) => applyRefreshedTokens(draft, tokens, this.clock.now()));
    await this.saver.saveNow();
    return copyAccount(account);
  }

  async patch(id: string, patch: AccountPatch): Promise<Account> {
    const account = this.edit(id, (draft) => {
      for (const key of ['label', 'email', 'enabled', 'priority'] as const) {
        if (patch[key] !== undefined) (draft as unknown as Record<string, unknown>)[key] = patch[key];
      }
      draft.updatedAt = this.clock.now();
    });
    await this.saver.saveNow();
    return copyAccount(account);
  }

  async remove(id: string): Promise<void> {
    this.mustFind(id);
    this.accounts.delete(id);
    await this.saver.saveNow();
  }

  /** A new quota observation (probe, headers or stream event); also settles quota and plan blocks. */
  recordUsage(id: string, snapshot: UsageSnapshot): void {
    this.change(id, (account, state) => {
      const previous = account.usage;
      account.usage = nextUsage(previous, snapshot);
      reconcileBlocks(state, previous, account.usage, this.clock.now());
    });
  }

  /** Blocks the whole account, or only `model` on it (PROTOCOL §7.4). */
  setBlock(id: string, block: Block, model?: string): void {
    this.change(id, (_account, state) => {
      if (model !== undefined) {
        state.modelBlocks = { ...state.modelBlocks, [model]: { ...block } };
        return;
      }
      state.blockedUntil = block.until;
      state.blockKind = block.kind;
      state.blockReason = block.reason;
    });
  }

  /** Admin unblock: one model's block, or every block and cooldown. Never clears needsReauth. Durable. */
  async clearBlocks(id: string, model?: string): Promise<Account> {
    const account = this.edit(id, (draft) => {
      if (model !== undefined) {
        delete draft.state.modelBlocks[model];
      } else {
        clearAccountBlock(draft.state);
        draft.state.modelBlocks = {};
      }
    });
    await this.saver.saveNow();
    return copyAccount(account);
  }

  /** Takes the account out of routing until a re-login. Durable. */
  async markNeedsReauth(id: string, message: string): Promise<void> {
    if (!this.accounts.has(id)) return;
    this.replace(id, (_account, state) => {
      state.needsReauth = true;
      this.pushError(state, message, undefined);
    });
    await this.saver.saveNow();
  }

  recordError(id: string, message: string, status?: number): void {
    this.change(id, (_account, state) => this.pushError(state, message, status));
  }

  markSelected(id: string): void {
    this.change(id, (_account, state) => (state.lastSelectedAt = this.clock.now()));
  }

  markUsed(id: string): void {
    this.change(id, (_account, state) => (state.lastUsedAt = this.clock.now()));
  }

  /** Writes anything not yet saved and waits for writes in flight. */
  flush(): Promise<void> {
    return this.saver.flush();
  }

  /**
   * Replaces (or, with undefined, drops) one account's working copy with what another replica
   * stored; nothing is saved. Only a shared store (STORAGE=postgres) calls this.
   */
  adoptStored(id: string, account: Account | undefined): void {
    if (account) this.accounts.set(id, deepFreeze(copyAccount(account)));
    else this.accounts.delete(id);
  }

  private newAccount(now: number): Account {
    return {
      id: `acc_${randomBytes(8).toString('hex')}`,
      accessToken: '',
      enabled: true,
      priority: 0,
      createdAt: now,
      updatedAt: now,
      state: emptyState(),
    };
  }

  private pushError(state: AccountState, message: string, status: number | undefined): void {
    const at = this.clock.now();
    state.lastError = message;
    state.lastErrorAt = at;
    const entry = status === undefined ? { at, message } : { at, message, status };
    state.recentErrors = [entry, ...state.recentErrors].slice(0, MAX_RECENT_ERRORS);
  }

  /**
   * Changes from the request path: an account deleted meanwhile is simply ignored. Usage and
   * timestamps are coalesced; a change that blocks or unblocks is saved at once, because other
   * replicas sharing the store must stop (or resume) routing to the account now.
   */
  private change(id: string, apply: ShallowEdit): void {
    const before = this.accounts.get(id);
    if (!before) return;
    const after = this.replace(id, apply);
    if (sameBlocks(before.state, after.state)) {
      this.saver.saveSoon();
      return;
    }
    this.saver
      .saveNow()
      .catch((error: unknown) => this.logger.error(`Saving accounts failed: ${(error as Error).message}`));
  }

  /**
   * Stores a new version of an account made from shallow copies of it and of its state: `apply` sets their
   * fields and replaces (never changes in place) anything nested deeper.
   */
  private replace(id: string, apply: ShallowEdit): AccountSnapshot {
    const current = this.mustFind(id);
    const state: AccountState = { ...current.state };
    const account: Account = { ...current, state };
    apply(account, state);
    this.accounts.set(id, deepFreeze(account));
    return account;
  }

  /** Stores a changed deep copy of an account (the rarer admin and login writes) and returns it. */
  private edit(id: string, apply: (draft: Account) => void): AccountSnapshot {
    const draft = copyAccount(this.mustFind(id));
    apply(draft);
    this.accounts.set(id, deepFreeze(draft));
    return draft;
  }

  private mustFind(id: string): AccountSnapshot {
    const account = this.accounts.get(id);
    if (!account) throw new AccountNotFoundError(id);
    return account;
  }
}

type ShallowEdit = (account: Account, state: AccountState) => void;

/** Model blocks are replaced, never changed in place, so an unchanged reference means unchanged blocks. */
function sameBlocks(before: AccountState, after: AccountState): boolean {
  if (before.blockedUntil !== after.blockedUntil || before.blockKind !== after.blockKind) return false;
  return (
    before.modelBlocks === after.modelBlocks || JSON.stringify(before.modelBlocks) === JSON.stringify(after.modelBlocks)
  );
}

/**
 * A deep copy a caller may change. Accounts are JSON data (they are stored as JSON), and a plain copy of
 * JSON data is several times cheaper than structuredClone: `require` runs on every request.
 */
function copyAccount<T>(account: T): T {
  return copyJson(account) as T;
}

function copyJson(value: unknown): unknown {
  if (typeof value !== 'object' || value === null) return value;
  if (Array.isArray(value)) return value.map(copyJson);
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value)) {
    const copy = copyJson((value as Record<string, unknown>)[key]);
    // An own "__proto__" key (JSON can hold one) stays a plain property, as structuredClone would keep it.
    if (key === '__proto__')
      Object.defineProperty(out, key, { value: copy, enumerable: true, writable: true, configurable: true });
    else out[key] = copy;
  }
  return out;
}

/** Freezes a value and everything it holds; an already frozen object is taken as frozen throughout. */
function deepFreeze<T>(value: T): T {
  if (typeof value !== 'object' || value === null || Object.isFrozen(value)) return value;
  Object.freeze(value);
  for (const child of Object.values(value)) deepFreeze(child);
  return value;
}
