import type { NativeModelInfo } from '@mcp/codex';
import { sharedStoreToken } from '@mcp/config';

// Ports a shared store (STORAGE=postgres) fills in; without one, none is injected and a single process needs none.

/**
 * Port: makes a token refresh exclusive across every process that shares the accounts
 * (STORAGE=postgres). Absent, TokenService's in-process single flight is enough.
 */
export interface RefreshCoordinator {
  /**
   * Runs `work` while no other replica refreshes `accountId`, after this replica's copy of the
   * account has been brought up to date (another replica may have rotated its tokens meanwhile).
   */
  exclusive<T>(accountId: string, work: () => Promise<T>): Promise<T>;
}

export const REFRESH_COORDINATOR = sharedStoreToken('RefreshCoordinator');

/** What model discovery learned, in a form another replica can adopt. */
export interface SharedCatalogue {
  perAccount: [string, { models: NativeModelInfo[]; etag?: string }][];
  fetchedAt: number | null;
}

/** Port: hands a discovered catalogue to the other replicas (STORAGE=postgres). */
export interface CatalogueShare {
  publish(state: SharedCatalogue): void;
}

export const CATALOGUE_SHARE = sharedStoreToken('CatalogueShare');
