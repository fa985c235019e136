import { Injectable } from '@nestjs/common';
import { join } from 'node:path';
import { AppConfig } from '@mcp/config';
import { CorruptFileError, JsonDocumentStore } from '@mcp/storage';
import type { ApiKeysDocument, StoredApiKey } from './api-key.types';

/** Where admin-created client keys live (a port, so specs and other backends can stand in). */
export abstract class ApiKeyRepository {
  abstract load(): Promise<StoredApiKey[]>;
  abstract save(keys: StoredApiKey[]): Promise<void>;
}

/** `${DATA_DIR}/api-keys.json`, written atomically with mode 0600. */
@Injectable()
export class FileApiKeyRepository extends ApiKeyRepository {
  private readonly store: JsonDocumentStore<ApiKeysDocument>;

  constructor(config: AppConfig) {
    super();
    this.store = new JsonDocumentStore<ApiKeysDocument>(join(config.dataDir, 'api-keys.json'));
  }

  async load(): Promise<StoredApiKey[]> {
    const doc = await this.store.read();
    if (doc === undefined) return [];
    const problem = documentProblem(doc);
    // A damaged key file must stop boot: carrying on would either open /v1 or drop keys on the next save.
    if (problem) throw new CorruptFileError(this.store.path, problem);
    return doc.keys;
  }

  save(keys: StoredApiKey[]): Promise<void> {
    return this.store.write({ version: 1, keys });
  }
}

function documentProblem(doc: unknown): string | undefined {
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) return 'expected a JSON object';
  const { version, keys } = doc as Partial<ApiKeysDocument>;
  if (version !== 1) return `unsupported version ${JSON.stringify(version)}`;
  if (!Array.isArray(keys)) return '"keys" is not an array';
  const bad = keys.findIndex((key) => !isStoredKey(key));
  return bad === -1 ? undefined : `keys[${bad}] lacks a string id, name, 64-hex hash or boolean enabled`;
}

function isStoredKey(value: unknown): value is StoredApiKey {
  if (typeof value !== 'object' || value === null) return false;
  const key = value as Partial<StoredApiKey>;
  return (
    typeof key.id === 'string' &&
    typeof key.name === 'string' &&
    typeof key.hash === 'string' &&
    /^[0-9a-f]{64}$/.test(key.hash) &&
    typeof key.enabled === 'boolean'
  );
}
