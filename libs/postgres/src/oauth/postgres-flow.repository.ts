import { Injectable } from '@nestjs/common';
import { FlowRepository, type OAuthFlow, tidyFlows } from '@mcp/oauth';
import { PgDatabase } from '../db/database';
import { RowTable } from '../rows/row-table';

/**
 * OAuth flows as rows of `oauth_flows`: a login started on one replica can be completed on another.
 * `shared` tells OAuthService to re-read the flows before each operation. Saves only insert and
 * update: a replica's list may predate a flow another replica just started, so pruning is left to
 * `prune()`, run by the fleet's retention job with the §10.3 rules.
 * (It implements the port rather than extending it, so `shared` needs no `override` before or
 * after the port declares it.)
 */
@Injectable()
export class PostgresFlowRepository implements FlowRepository {
  readonly shared = true;
  private readonly table: RowTable<OAuthFlow>;

  constructor(private readonly db: PgDatabase) {
    this.table = new RowTable<OAuthFlow>(db, {
      table: 'oauth_flows',
      topic: 'oauth_flows',
      codec: { encode: (flow) => flow, decode: (stored) => stored as OAuthFlow },
      deleteAbsent: false,
    });
  }

  load(): Promise<OAuthFlow[]> {
    return this.table.loadAll();
  }

  save(flows: OAuthFlow[]): Promise<void> {
    return this.table.save(flows);
  }

  /** Marks expired flows and deletes the ones §10.3 drops (finished > 24 h ago, beyond the newest 200). */
  async prune(now: number): Promise<number> {
    const flows = await this.table.loadAll();
    const { flows: kept, changed } = tidyFlows(flows, now);
    if (!changed) return 0;
    const keep = new Set(kept.map((flow) => flow.id));
    const dropped = flows.filter((flow) => !keep.has(flow.id)).map((flow) => flow.id);
    await this.table.save(kept);
    if (dropped.length > 0) await this.db.query('DELETE FROM oauth_flows WHERE id = ANY($1)', [dropped]);
    return dropped.length;
  }
}
