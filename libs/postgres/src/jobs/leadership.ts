import { Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import type { Client } from 'pg';
import { PgDatabase } from '../db/database';
import { LOCK_NAMESPACE } from '../db/lock-namespaces';
import type { FleetLeadership } from '@mcp/storage';

/**
 * Scheduled jobs run once across the fleet. At each tick a replica that does not lead a job tries
 * `pg_try_advisory_lock` on a session of its own; the replica that gets it keeps it (and the job)
 * for as long as that session lives. When the leader stops or dies its session ends, the lock is
 * released, and the next replica to tick takes over.
 */
@Injectable()
export class PostgresLeadership implements FleetLeadership, OnModuleDestroy {
  private readonly logger = new Logger('Postgres');
  private readonly led = new Set<string>();
  private session: Client | undefined;
  private opening: Promise<Client> | undefined;
  private stopped = false;

  constructor(private readonly db: PgDatabase) {}

  async runIfLeader(job: string, task: () => Promise<void>): Promise<void> {
    if (await this.lead(job)) await task();
  }

  /** Whether this replica currently leads `job` (for diagnostics and specs). */
  leads(job: string): boolean {
    return this.led.has(job);
  }

  /** Gives up every job (shutdown): other replicas take over at their next tick. */
  async onModuleDestroy(): Promise<void> {
    this.stopped = true;
    const session = this.session ?? (await this.opening?.catch(() => undefined));
    this.session = undefined;
    this.led.clear();
    await session?.end().catch(() => undefined);
  }

  private async lead(job: string): Promise<boolean> {
    if (this.stopped) return false;
    if (this.led.has(job)) return true;
    try {
      const session = await this.connect();
      const { rows } = await session.query<{ ok: boolean }>('SELECT pg_try_advisory_lock($1, hashtext($2)) AS ok', [
        LOCK_NAMESPACE.jobs,
        job,
      ]);
      if (rows[0]?.ok !== true) return false;
      this.led.add(job);
      this.logger.log(`This replica now runs the "${job}" job for the fleet`);
      return true;
    } catch (error) {
      this.logger.warn(`Could not check who runs "${job}": ${(error as Error).message}`);
      return false;
    }
  }

  private async connect(): Promise<Client> {
    if (this.session) return this.session;
    this.opening ??= this.open().finally(() => (this.opening = undefined));
    return this.opening;
  }

  private async open(): Promise<Client> {
    const session = this.db.newClient();
    await session.connect();
    // Losing the session loses the locks: stop leading at once, so two replicas never both lead.
    const lost = (): void => {
      if (this.session !== session) return;
      this.session = undefined;
      this.led.clear();
    };
    session.on('end', lost);
    session.on('error', lost);
    this.session = session;
    return session;
  }
}
