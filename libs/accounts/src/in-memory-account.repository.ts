import type { Account } from './account';
import { AccountRepository } from './account.repository';

/** For specs: keeps deep copies, counts saves, and can hold a save open to observe ordering. */
export class InMemoryAccountRepository extends AccountRepository {
  private stored: Account[];
  saves = 0;
  /** When set, save() waits for it before storing: lets a spec see what happens while a write is pending. */
  gate: Promise<void> | undefined;

  constructor(initial: Account[] = []) {
    super();
    this.stored = structuredClone(initial);
  }

  override async load(): Promise<Account[]> {
    return structuredClone(this.stored);
  }

  override async save(accounts: Account[]): Promise<void> {
    const copy = structuredClone(accounts);
    if (this.gate) await this.gate;
    this.stored = copy;
    this.saves += 1;
  }

  /** What a restart would load. */
  snapshot(): Account[] {
    return structuredClone(this.stored);
  }
}
