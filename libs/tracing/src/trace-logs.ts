import { Injectable } from '@nestjs/common';
import { AppConfig } from '@mcp/config';
import type { StatsRecord, TraceRecord } from '@mcp/contracts';
import { JsonlLog, RotatingJsonlLog, type LinePlace, type ReadAllResult } from '@mcp/storage';

/** What TraceStore and StatsHistory need from their durable log; JsonlLog is one. */
export interface RecordLog<T> {
  append(record: T): void;
  /**
   * A log of lines may take a record its caller already serialised (one JSON line in UTF-8, ending in "\n"), and
   * tell where it landed once written.
   */
  appendLine?(line: Buffer, placed?: (place: LinePlace) => void): void;
  /** `line`, `place`: the text the record was parsed from and where it lies, when the log is made of lines. */
  readAll(onRecord: (record: T, line?: string, place?: LinePlace) => void): Promise<ReadAllResult>;
  /** A log of lines reads lines back by place (undefined for one it no longer holds there). */
  readLines?(places: LinePlace[]): Promise<(Buffer | undefined)[]>;
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

/** Port: where traces and the stats history live. */
export abstract class TraceLogs {
  abstract traces(options: RecordLogOptions): RecordLog<TraceRecord>;
  abstract history(options: RecordLogOptions): RecordLog<StatsRecord>;
}

/** The JSON Lines files of PROTOCOL.md §10.4 (TRACE_FILE_PATH, TRACE_STATS_HISTORY_PATH). */
@Injectable()
export class FileTraceLogs extends TraceLogs {
  constructor(private readonly config: AppConfig) {
    super();
  }

  /** Two segments, TRACE_FILE_PATH and TRACE_FILE_PATH.1: retention renames instead of copying (issue 20). */
  override traces(options: RecordLogOptions): RecordLog<TraceRecord> {
    return new RotatingJsonlLog<TraceRecord>(this.config.traceFilePath, {
      ...options,
      segmentRecords: this.config.traceRetentionMax,
    });
  }

  override history(options: RecordLogOptions): RecordLog<StatsRecord> {
    return new JsonlLog<StatsRecord>(this.config.traceStatsHistoryPath, options);
  }
}
