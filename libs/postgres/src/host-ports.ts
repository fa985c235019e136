import type { Account } from '@mcp/accounts';
import type { NativeModelInfo } from '@mcp/codex';
import type { StatsRecord, TraceRecord } from '@mcp/contracts';
import type { ReadAllResult } from '@mcp/storage';

// The shapes this lib exchanges with the feature libs, written structurally so the lib builds
// before (and independently of) the seams that publish them as ports; see README.md.

/** What a replica's AccountsService must let us do to its working copy. */
export interface AccountsMemory {
  /** Copies of every account, as they are now. */
  list(): Account[];
  get(id: string): Account | undefined;
  /** Replaces (or, with undefined, drops) one account's working copy without saving it again. */
  adoptStored(id: string, account: Account | undefined): void;
}

/** What ApiKeysService must offer so a key made on another replica is accepted here. */
export interface ApiKeysMemory {
  reload(): Promise<void>;
}

/** One account's model catalogue as discovery left it. */
export interface AccountCatalogue {
  models: NativeModelInfo[];
  etag?: string;
}

/** What model discovery learned, in a form that can be handed to another replica. */
export interface SharedCatalogue {
  perAccount: [string, AccountCatalogue][];
  fetchedAt: number | null;
}

/** What ModelCatalogService must offer so one discovery serves the whole fleet. */
export interface CatalogueMemory {
  importState(state: SharedCatalogue): void;
}

/** Port offered to TokenService: makes a refresh exclusive across every replica. */
export interface RefreshCoordinator {
  /**
   * Runs `work` while no other replica refreshes `accountId`, after this replica's working copy of
   * the account has been brought up to date (another replica may have rotated its tokens).
   */
  exclusive<T>(accountId: string, work: () => Promise<T>): Promise<T>;
}

/** Port offered to the scheduled jobs: one replica runs each job. */
export interface FleetLeadership {
  /** Runs `task` only on the replica that leads `job` (taking the lead when nobody holds it). */
  runIfLeader(job: string, task: () => Promise<void>): Promise<void>;
}

/** Port offered to ModelCatalogService. */
export interface CatalogueShare {
  publish(state: SharedCatalogue): void;
}

/** What TraceStore and StatsHistory need from a durable log (JsonlLog has the same shape). */
export interface RecordLog<T> {
  append(record: T): void;
  readAll(onRecord: (record: T) => void): Promise<ReadAllResult>;
  retain(n: number): Promise<void>;
  flush(): Promise<void>;
  close(): Promise<void>;
  /** Delivers each record another replica appends from now on (called after readAll). */
  follow?(onRecord: (record: T) => void): void;
}

export interface RecordLogOptions {
  flushIntervalMs?: number;
  onError?: (error: unknown) => void;
}

/** Port offered to TracingService: where traces and the stats history live. */
export interface TraceLogs {
  traces(options: RecordLogOptions): RecordLog<TraceRecord>;
  history(options: RecordLogOptions): RecordLog<StatsRecord>;
}
