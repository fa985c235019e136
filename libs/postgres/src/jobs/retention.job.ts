import { Injectable, Logger } from '@nestjs/common';
import { Interval } from '@nestjs/schedule';
import { AppConfig, Clock } from '@mcp/config';
import { FleetLeadership } from '@mcp/storage';
import { PgDatabase } from '../db/database';
import { PostgresFlowRepository } from '../oauth/postgres-flow.repository';

const RETENTION_TICK_MS = 60_000;

/**
 * Housekeeping of the shared tables, run by one replica for the fleet: traces beyond
 * TRACE_RETENTION_MAX, session affinities past their TTL, OAuth flows §10.3 drops.
 */
@Injectable()
export class PostgresRetentionJob {
  private readonly logger = new Logger('Postgres');

  constructor(
    private readonly db: PgDatabase,
    private readonly flows: PostgresFlowRepository,
    private readonly config: AppConfig,
    private readonly clock: Clock,
    private readonly leadership: FleetLeadership,
  ) {}

  @Interval('postgres-retention', RETENTION_TICK_MS)
  run(): Promise<void> {
    return this.leadership.runIfLeader('retention', () => this.prune());
  }

  /** One pass over every shared table; each step's failure is logged and the others still run. */
  async prune(): Promise<void> {
    const now = this.clock.now();
    const steps: [string, () => Promise<unknown>][] = [
      [
        'traces',
        () =>
          this.db.query('DELETE FROM traces WHERE seq < (SELECT seq FROM traces ORDER BY seq DESC OFFSET $1 LIMIT 1)', [
            Math.max(0, this.config.traceRetentionMax - 1),
          ]),
      ],
      [
        'session affinity',
        () => this.db.query('DELETE FROM session_affinity WHERE at <= $1', [now - this.config.sessionAffinityTtlMs]),
      ],
      ['OAuth flows', () => this.flows.prune(now)],
    ];
    for (const [name, step] of steps) {
      try {
        await step();
      } catch (error) {
        this.logger.warn(`Pruning ${name} failed: ${(error as Error).message}`);
      }
    }
  }
}
