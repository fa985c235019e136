import { ApiKeyRepository } from './api-key.repository';
import type { StoredApiKey } from './api-key.types';

/** Shared by the client-key specs: keeps saved documents so a spec can count writes and inspect them. */
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
