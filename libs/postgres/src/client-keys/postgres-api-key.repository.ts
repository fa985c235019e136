import { Injectable } from '@nestjs/common';
import { ApiKeyRepository, type StoredApiKey } from '@mcp/client-keys';
import { PgDatabase } from '../db/database';
import { RowTable } from '../rows/row-table';

/**
 * Client keys (only their sha256 hashes) as rows of `api_keys`. Every replica verifies against its
 * in-memory table; a key created, edited or deleted on one replica reaches the others through the
 * change feed (ApiKeysService.reload). Edits merge key by key, so a lastUsedAt bump on one replica
 * does not undo a rename on another.
 */
@Injectable()
export class PostgresApiKeyRepository extends ApiKeyRepository {
  private readonly table: RowTable<StoredApiKey>;

  constructor(db: PgDatabase) {
    super();
    this.table = new RowTable<StoredApiKey>(db, {
      table: 'api_keys',
      topic: 'api_keys',
      codec: { encode: (key) => key, decode: (stored) => stored as StoredApiKey },
    });
  }

  override load(): Promise<StoredApiKey[]> {
    return this.table.loadAll();
  }

  override save(keys: StoredApiKey[]): Promise<void> {
    return this.table.save(keys);
  }
}
