import { BeforeApplicationShutdown, Injectable, Logger, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { Clock } from '@mcp/config';
import type { Block, UsageSnapshot } from '@mcp/contracts';
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

/**
 * The account store: a working copy in memory, persisted through AccountRepository.
 * Changes that matter for login (create, delete, patch, token rotation, re-login) are durable
 * before the method resolves; usage and timestamps are coalesced into a write within 1 s.
 * Readers get copies: change an account only through these methods.
 */
@Injectable()
export class AccountsService implements OnModuleInit, OnModuleDestroy, BeforeApplicationShutdown {
  private readonly logger = new Logger('Accounts');
  private readonly accounts = new Map<string, Account>();
  private readonly saver: SaveScheduler;

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
    for (const account of await this.repository.load()) this.accounts.set(account.id, account);
    this.logger.log(`${this.accounts.size} account(s) loaded`);
  }

  async onModuleDestroy(): Promise<void> {
    await this.flush();
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.flush();
  }

  list(): Account[] {
    return [...this.accounts.values()].map((account) => structuredClone(account));
  }

  get(id: string): Account | undefined {
    const account = this.accounts.get(id);
    return account && structuredClone(account);
  }

  /** Like get, but an unknown id throws AccountNotFoundError. */
  require(id: string): Account {
    return structuredClone(this.mustFind(id));
  }

  /** Accounts routing may consider: enabled and signed in. Blocks are judged by the caller against its clock. */
  usable(): Account[] {
    return this.list().filter((account) => account.enabled && !account.state.needsReauth);
  }

  /** Ids of the usable accounts, without copying them (cheap enough for every request). */
  usableIds(): string[] {
    const ids: string[] = [];
    for (const account of this.accounts.values()) {
      if (account.enabled && !account.state.needsReauth) ids.push(account.id);
    }
    return ids;
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
    const account = existing ?? this.newAccount(now);
    applyLogin(account, input, facts, now);
    this.accounts.set(account.id, account);
    await this.saver.saveNow();
    const result: UpsertResult = { account: structuredClone(account), created: existing === undefined };
    if (warnings.length > 0) result.warning = warnings.join(' ');
    return result;
  }

  /** Stores rotated tokens; resolves only once they are durable, so the old refresh token is never needed again. */
  async applyRefresh(id: string, tokens: RefreshedTokens): Promise<Account> {
    const account = this.mustFind(id);
    applyRefreshedTokens(account, tokens, this.clock.now());
    await this.saver.saveNow();
    return structuredClone(account);
  }

  async patch(id: string, patch: AccountPatch): Promise<Account> {
    const account = this.mustFind(id);
    for (const key of ['label', 'email', 'enabled', 'priority'] as const) {
      if (patch[key] !== undefined) (account as unknown as Record<string, unknown>)[key] = patch[key];
    }
    account.updatedAt = this.clock.now();
    await this.saver.saveNow();
    return structuredClone(account);
  }

  async remove(id: string): Promise<void> {
    this.mustFind(id);
    this.accounts.delete(id);
    await this.saver.saveNow();
  }

  /** A new quota observation (probe, headers or stream event); also settles quota and plan blocks. */
  recordUsage(id: string, snapshot: UsageSnapshot): void {
    this.change(id, (account) => {
      const previous = account.usage;
      account.usage = nextUsage(previous, snapshot);
      reconcileBlocks(account.state, previous, account.usage, this.clock.now());
    });
  }

  /** Blocks the whole account, or only `model` on it (PROTOCOL §7.4). */
  setBlock(id: string, block: Block, model?: string): void {
    this.change(id, (account) => {
      if (model !== undefined) {
        account.state.modelBlocks[model] = { ...block };
        return;
      }
      account.state.blockedUntil = block.until;
      account.state.blockKind = block.kind;
      account.state.blockReason = block.reason;
    });
  }

  /** Admin unblock: one model's block, or every block and cooldown. Never clears needsReauth. Durable. */
  async clearBlocks(id: string, model?: string): Promise<Account> {
    const account = this.mustFind(id);
    if (model !== undefined) {
      delete account.state.modelBlocks[model];
    } else {
      clearAccountBlock(account.state);
      account.state.modelBlocks = {};
    }
    await this.saver.saveNow();
    return structuredClone(account);
  }

  /** Takes the account out of routing until a re-login. Durable. */
  async markNeedsReauth(id: string, message: string): Promise<void> {
    const account = this.accounts.get(id);
    if (!account) return;
    account.state.needsReauth = true;
    this.pushError(account, message, undefined);
    await this.saver.saveNow();
  }

  recordError(id: string, message: string, status?: number): void {
    this.change(id, (account) => this.pushError(account, message, status));
  }

  markSelected(id: string): void {
    this.change(id, (account) => (account.state.lastSelectedAt = this.clock.now()));
  }

  markUsed(id: string): void {
    this.change(id, (account) => (account.state.lastUsedAt = this.clock.now()));
  }

  /** Writes anything not yet saved and waits for writes in flight. */
  flush(): Promise<void> {
    return this.saver.flush();
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

  private pushError(account: Account, message: string, status: number | undefined): void {
    const at = this.clock.now();
    account.state.lastError = message;
    account.state.lastErrorAt = at;
    const entry = status === undefined ? { at, message } : { at, message, status };
    account.state.recentErrors = [entry, ...account.state.recentErrors].slice(0, MAX_RECENT_ERRORS);
  }

  /** Cheap changes from the request path: an account deleted meanwhile is simply ignored. */
  private change(id: string, apply: (account: Account) => void): void {
    const account = this.accounts.get(id);
    if (!account) return;
    apply(account);
    this.saver.saveSoon();
  }

  private mustFind(id: string): Account {
    const account = this.accounts.get(id);
    if (!account) throw new AccountNotFoundError(id);
    return account;
  }
}
