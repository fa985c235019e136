import { Injectable, Logger } from '@nestjs/common';
import { notifyChange } from '../db/change-feed';
import { PgDatabase } from '../db/database';
import { SerialQueue } from '../db/serial-queue';
import type { CatalogueShare, SharedCatalogue } from '@mcp/accounts';
import { toJsonb } from '../json-merge';

/**
 * The model catalogue discovered by one replica (the leader of the discovery job, or whoever an
 * admin asked), stored as one row so the others adopt it instead of asking upstream themselves.
 */
@Injectable()
export class PostgresCatalogueShare implements CatalogueShare {
  private readonly logger = new Logger('Postgres');
  private readonly writes = new SerialQueue();
  private last: Promise<void> = Promise.resolve();

  constructor(private readonly db: PgDatabase) {}

  publish(state: SharedCatalogue): void {
    this.last = this.writes
      .run(() =>
        this.db.transaction(async (client) => {
          await client.query(
            `INSERT INTO model_catalogue (id, state) VALUES (1, $1::jsonb)
             ON CONFLICT (id) DO UPDATE SET state = EXCLUDED.state, version = model_catalogue.version + 1,
               updated_at = now()`,
            [toJsonb(state)],
          );
          await notifyChange(client, { topic: 'catalogue', origin: this.db.origin });
        }),
      )
      .catch((error: unknown) => this.logger.warn(`Sharing the model catalogue failed: ${String(error)}`));
  }

  /** Resolves once the latest publish is stored (for specs and shutdown). */
  settled(): Promise<void> {
    return this.last;
  }

  async read(): Promise<SharedCatalogue | undefined> {
    const rows = await this.db.query<{ state: SharedCatalogue }>('SELECT state FROM model_catalogue WHERE id = 1');
    return rows[0]?.state;
  }
}
