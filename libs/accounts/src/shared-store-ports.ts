import type { NativeModelInfo } from '@mcp/codex';

// Ports only a fleet (STORAGE=postgres) fills with something real; one process gets the local adapters below.

/** Port: makes a token refresh exclusive across every process that shares the accounts. */
export abstract class RefreshCoordinator {
  /**
   * Runs `work` while no other replica refreshes `accountId`, after this replica's copy of the
   * account has been brought up to date (another replica may have rotated its tokens meanwhile).
   */
  abstract exclusive<T>(accountId: string, work: () => Promise<T>): Promise<T>;
}

/** One process: TokenService's in-process single flight is all the exclusion needed. */
export class LocalRefreshCoordinator extends RefreshCoordinator {
  override exclusive<T>(_accountId: string, work: () => Promise<T>): Promise<T> {
    return work();
  }
}

/** What model discovery learned, in a form another replica can adopt. */
export interface SharedCatalogue {
  perAccount: [string, { models: NativeModelInfo[]; etag?: string }][];
  fetchedAt: number | null;
}

/** Port: hands a discovered catalogue to the other replicas. */
export abstract class CatalogueShare {
  abstract publish(state: SharedCatalogue): void;
}

/** One process: nobody to tell. */
export class LocalCatalogueShare extends CatalogueShare {
  override publish(): void {}
}
