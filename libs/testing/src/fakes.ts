// `@mcp/testing/fakes`: in-memory adapters of the storage ports, for specs (kept out of the production doors).
import { type Account, AccountRepository } from '@mcp/accounts';
import { ApiKeyRepository, type StoredApiKey } from '@mcp/client-keys';
import { FlowRepository, type OAuthFlow } from '@mcp/oauth';

/** Keeps deep copies, counts saves, and can hold a save open to observe ordering. */
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

export class InMemoryFlowRepository extends FlowRepository {
  private stored: OAuthFlow[];

  constructor(initial: OAuthFlow[] = []) {
    super();
    this.stored = structuredClone(initial);
  }

  override async load(): Promise<OAuthFlow[]> {
    return structuredClone(this.stored);
  }

  override async save(flows: OAuthFlow[]): Promise<void> {
    this.stored = structuredClone(flows);
  }

  snapshot(): OAuthFlow[] {
    return structuredClone(this.stored);
  }
}

/** Keeps every saved document so a spec can count writes and inspect them. */
export class MemoryApiKeyRepository extends ApiKeyRepository {
  readonly saves: StoredApiKey[][] = [];

  constructor(private readonly initial: StoredApiKey[] = []) {
    super();
  }

  load(): Promise<StoredApiKey[]> {
    return Promise.resolve(structuredClone(this.initial));
  }

  save(keys: StoredApiKey[]): Promise<void> {
    this.saves.push(structuredClone(keys));
    return Promise.resolve();
  }
}
