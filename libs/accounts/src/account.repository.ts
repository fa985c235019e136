import type { Account } from './account';

/** Port: where accounts live between restarts. The service keeps the working copy in memory. */
export abstract class AccountRepository {
  abstract load(): Promise<Account[]>;
  /** Resolves once the given list is durable. */
  abstract save(accounts: Account[]): Promise<void>;
}
