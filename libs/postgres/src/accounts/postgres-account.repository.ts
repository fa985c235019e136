import { Injectable } from '@nestjs/common';
import { type Account, AccountRepository, type AccountsService, emptyState } from '@mcp/accounts';
import { AppConfig } from '@mcp/config';
import { PgDatabase } from '../db/database';
import { merge3 } from '../json-merge';
import { type RowChange, RowTable } from '../rows/row-table';
import { TokenCodec } from './token-codec';

/** What this repository needs of a replica's AccountsService to keep its working copy in step. */
export type AccountsMemory = Pick<AccountsService, 'list' | 'get' | 'adoptStored'>;

/**
 * Accounts as rows of the `accounts` table, shared by every replica. Once a replica's
 * AccountsService is attached, a save writes what that service holds at the moment the write runs,
 * and rows other replicas change are merged into its working copy (their edits plus any of ours not
 * yet saved). Tokens are encrypted at rest when ENCRYPTION_KEY is set.
 */
@Injectable()
export class PostgresAccountRepository extends AccountRepository {
  private readonly table: RowTable<Account>;
  private codec: TokenCodec | undefined;
  private opening: Promise<TokenCodec> | undefined;
  private memory: AccountsMemory | undefined;

  constructor(
    private readonly db: PgDatabase,
    private readonly config: AppConfig,
  ) {
    super();
    this.table = new RowTable<Account>(db, {
      table: 'accounts',
      topic: 'accounts',
      codec: {
        encode: (account) => this.requireCodec().encode(account),
        decode: (stored) => normalise(this.requireCodec().decode(stored)),
      },
      adopt: (change, base) => this.adopt(change, base),
    });
  }

  override async load(): Promise<Account[]> {
    await this.ready();
    return this.table.loadAll();
  }

  override async save(accounts: Account[]): Promise<void> {
    await this.ready();
    const memory = this.memory;
    await this.table.save(memory ? () => memory.list() : accounts);
  }

  /** From now on, changes made by other replicas land in `memory` (this replica's AccountsService). */
  attach(memory: AccountsMemory): void {
    this.memory = memory;
  }

  /** Re-reads the given accounts (or every account another replica changed) into the working copy. */
  async refresh(ids?: readonly string[]): Promise<void> {
    await this.ready();
    await this.table.refresh(ids);
  }

  private async ready(): Promise<void> {
    if (this.codec) return;
    this.opening ??= TokenCodec.open(this.db, this.config.encryptionKey);
    this.codec = await this.opening;
  }

  private requireCodec(): TokenCodec {
    if (!this.codec) throw new Error('the token codec is used before the accounts were loaded');
    return this.codec;
  }

  private adopt(change: RowChange<Account>, base: Account | undefined): void {
    const memory = this.memory;
    if (!memory) return;
    // A deletion wins over edits this replica has not saved yet: they would resurrect the account.
    if (change.doc === undefined) {
      memory.adoptStored(change.id, undefined);
      return;
    }
    const next = merge3(base, memory.get(change.id), change.doc);
    memory.adoptStored(change.id, next === undefined ? undefined : normalise(structuredClone(next)));
  }
}

/** Fills state defaults so a row written by an older build (or imported by hand) still loads. */
function normalise(account: Account): Account {
  const state = { ...emptyState(), ...(account.state ?? {}) };
  return {
    ...account,
    enabled: account.enabled ?? true,
    priority: account.priority ?? 0,
    state: { ...state, modelBlocks: state.modelBlocks ?? {}, recentErrors: state.recentErrors ?? [] },
  };
}
