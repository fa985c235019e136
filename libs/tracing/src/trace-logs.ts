import { sharedStoreToken } from '@mcp/config';
import type { StatsRecord, TraceRecord } from '@mcp/contracts';
import type { ReadAllResult } from '@mcp/storage';

/** What TraceStore and StatsHistory need from their durable log; JsonlLog is one. */
export interface RecordLog<T> {
  append(record: T): void;
  readAll(onRecord: (record: T) => void): Promise<ReadAllResult>;
  retain(n: number): Promise<void>;
  flush(): Promise<void>;
  close(): Promise<void>;
  /** Shared stores only: delivers each record another replica appends from now on (called after readAll). */
  follow?(onRecord: (record: T) => void): void;
}

export interface RecordLogOptions {
  flushIntervalMs?: number;
  onError?: (error: unknown) => void;
}

/** Port: where traces and the stats history live when not in the files (STORAGE=postgres). */
export interface TraceLogs {
  traces(options: RecordLogOptions): RecordLog<TraceRecord>;
  history(options: RecordLogOptions): RecordLog<StatsRecord>;
}

export const TRACE_LOGS = sharedStoreToken('TraceLogs');
