import { Injectable } from '@nestjs/common';
import { AppConfig } from '@mcp/config';
import { ChangeFeed } from '../db/change-feed';
import { PgDatabase } from '../db/database';
import type { RecordLogOptions, TraceLogs } from '@mcp/tracing';
import { PgHistoryLog } from './history-log';
import { PgTraceLog } from './trace-log';

/** The TraceLogs port for TracingService: traces and the stats history in tables every replica shares. */
@Injectable()
export class PostgresTraceLogs implements TraceLogs {
  constructor(
    private readonly db: PgDatabase,
    private readonly feed: ChangeFeed,
    private readonly config: AppConfig,
  ) {}

  traces(options: RecordLogOptions): PgTraceLog {
    return new PgTraceLog(this.db, this.feed, this.config.traceRetentionMax, options);
  }

  history(options: RecordLogOptions): PgHistoryLog {
    return new PgHistoryLog(this.db, this.feed, options);
  }
}
