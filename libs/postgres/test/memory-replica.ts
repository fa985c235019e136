import type { Account } from '@mcp/accounts';
import { PostgresAccountRepository } from '../src/accounts/postgres-account.repository';
import type { PgDatabase } from '../src/db/database';
import type { AccountsMemory } from '../src/accounts/postgres-account.repository';
import type { AppConfig } from '@mcp/config';

/**
 * A replica's working copy of the accounts, as AccountsService keeps it (copies in, copies out),
 * over its own PostgresAccountRepository: enough to show what one replica sees of another's writes.
 */
export class MemoryReplica implements AccountsMemory {
  private readonly accounts = new Map<string, Account>();
  readonly repository: PostgresAccountRepository;

  constructor(db: PgDatabase, config: AppConfig) {
    this.repository = new PostgresAccountRepository(db, config);
  }

  async start(): Promise<this> {
    for (const account of await this.repository.load()) this.accounts.set(account.id, account);
    this.repository.attach(this);
    return this;
  }

  list(): Account[] {
    return [...this.accounts.values()].map((account) => structuredClone(account));
  }

  get(id: string): Account | undefined {
    const account = this.accounts.get(id);
    return account && structuredClone(account);
  }

  adoptStored(id: string, account: Account | undefined): void {
    if (account) this.accounts.set(id, structuredClone(account));
    else this.accounts.delete(id);
  }

  /** Changes one account in memory, as an AccountsService method would, then saves. */
  async edit(id: string, apply: (account: Account) => void): Promise<void> {
    const account = this.accounts.get(id);
    if (!account) throw new Error(`no ${id} in this replica`);
    apply(account);
    await this.save();
  }

  async add(account: Account): Promise<void> {
    this.accounts.set(account.id, structuredClone(account));
    await this.save();
  }

  async remove(id: string): Promise<void> {
    this.accounts.delete(id);
    await this.save();
  }

  save(): Promise<void> {
    return this.repository.save([...this.accounts.values()]);
  }
}
