import { Injectable, Logger, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import type { ApiKeyView } from '@mcp/contracts';
import { AppConfig, Clock } from '@mcp/config';
import { ApiKeyNotFoundError, ApiKeyReadOnlyError } from './client-key.errors';
import { ApiKeyRepository } from './api-key.repository';
import {
  displayPrefix,
  envDisplayPrefix,
  findDigest,
  generateKeyId,
  generateSecret,
  hashSecret,
} from './api-key-secret';
import type { ApiKeyPatch, KeyMatch, NewApiKey, StoredApiKey } from './api-key.types';

/** lastUsedAt is coalesced: at most one write per this interval, not one per request (PROTOCOL §10.1). */
export const LAST_USED_FLUSH_MS = 1000;

interface EnvKey {
  id: string;
  name: string;
  prefix: string;
  digest: Buffer;
}

/** One row of the verification table: env and admin keys alike, with the digest to compare against. */
interface VerifiableKey {
  id: string;
  digest: Buffer;
  enabled: boolean;
  match: KeyMatch;
}

/**
 * Client keys for /v1: the static PROXY_API_KEYS list plus admin-managed keys stored as sha256
 * hashes. Only a hash of a presented key is ever compared, in constant time.
 */
@Injectable()
export class ApiKeysService implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger('ClientKeys');
  private readonly envKeys: EnvKey[];
  private readonly bootAt: number;
  private adminKeys: StoredApiKey[] = [];
  private table: VerifiableKey[] = [];
  private digests: Buffer[] = [];
  private readonly lastUsed = new Map<string, number>();
  private usageDirty = false;
  private usageTimer: NodeJS.Timeout | undefined;
  private writes: Promise<unknown> = Promise.resolve();

  constructor(
    config: AppConfig,
    private readonly repository: ApiKeyRepository,
    private readonly clock: Clock,
  ) {
    this.bootAt = clock.now();
    this.envKeys = config.proxyApiKeys.map((secret, index) => ({
      id: `env-${index + 1}`,
      name: `PROXY_API_KEYS #${index + 1}`,
      prefix: envDisplayPrefix(secret),
      digest: hashSecret(secret),
    }));
    this.rebuildTable();
  }

  async onModuleInit(): Promise<void> {
    this.adminKeys = await this.repository.load();
    for (const key of this.adminKeys) if (key.lastUsedAt !== undefined) this.lastUsed.set(key.id, key.lastUsedAt);
    this.rebuildTable();
  }

  async onModuleDestroy(): Promise<void> {
    await this.flush();
  }

  /** True as soon as any key exists (even a disabled one): /v1 then refuses requests without a valid key. */
  get required(): boolean {
    return this.envKeys.length + this.adminKeys.length > 0;
  }

  /** The enabled key whose secret is `presented`, or undefined. Every key is compared, whatever matches. */
  verify(presented: string): KeyMatch | undefined {
    const index = findDigest(hashSecret(presented), this.digests);
    const row = this.table[index];
    return row?.enabled ? row.match : undefined;
  }

  /** Notes that a key was just used; persisted with the next coalesced write. */
  recordUse(id: string): void {
    this.lastUsed.set(id, this.clock.now());
    if (!this.adminKeys.some((key) => key.id === id)) return;
    this.usageDirty = true;
    this.usageTimer ??= setTimeout(() => {
      this.usageTimer = undefined;
      this.flush().catch((error: unknown) => this.logger.error(`Could not save key usage times: ${String(error)}`));
    }, LAST_USED_FLUSH_MS).unref();
  }

  list(): ApiKeyView[] {
    const env = this.envKeys.map((key) => this.envView(key));
    return [...env, ...this.adminKeys.map((key) => this.adminView(key))];
  }

  /** Creates a key; the secret is returned here once and never stored or shown again. */
  async create(input: NewApiKey): Promise<{ key: ApiKeyView; secret: string }> {
    const secret = generateSecret();
    const key: StoredApiKey = {
      id: generateKeyId(),
      name: input.name.trim(),
      hash: hashSecret(secret).toString('hex'),
      prefix: displayPrefix(secret),
      enabled: true,
      createdAt: this.clock.now(),
      ...(Array.isArray(input.allowedModels) ? { allowedModels: unique(input.allowedModels) } : {}),
      // The DTO lets null through as "not set" (IsOptional), so test for a number, not for undefined.
      ...(typeof input.rpmLimit === 'number' ? { rpmLimit: input.rpmLimit } : {}),
    };
    await this.commit((keys) => [...keys, key]);
    this.logger.log(`Client key ${key.id} ("${key.name}") created`);
    return { key: this.adminView(key), secret };
  }

  async update(id: string, patch: ApiKeyPatch): Promise<ApiKeyView> {
    let next = applyPatch(this.adminKey(id), patch);
    // Patch the latest version inside the queue, so two concurrent edits both land.
    await this.commit((keys) => keys.map((key) => (key.id === id ? (next = applyPatch(key, patch)) : key)));
    this.logger.log(`Client key ${id} updated`);
    return this.adminView(next);
  }

  async remove(id: string): Promise<void> {
    this.adminKey(id);
    await this.commit((keys) => keys.filter((key) => key.id !== id));
    this.lastUsed.delete(id);
    this.logger.log(`Client key ${id} deleted`);
    if (!this.required)
      this.logger.warn('The last client key was deleted: /v1 is open again to anyone who can reach it');
  }

  /**
   * Re-reads the keys after another replica changed them (shared store). Queued behind this
   * replica's own writes; lastUsedAt keeps the later of both replicas' times.
   */
  reload(): Promise<void> {
    const run = async (): Promise<void> => {
      const keys = await this.repository.load();
      for (const key of keys) {
        if (key.lastUsedAt !== undefined && key.lastUsedAt > (this.lastUsed.get(key.id) ?? 0)) {
          this.lastUsed.set(key.id, key.lastUsedAt);
        }
      }
      this.adminKeys = keys;
      this.rebuildTable();
    };
    const result = this.writes.then(run, run);
    this.writes = result.catch(() => undefined);
    return result;
  }

  /** Writes pending lastUsedAt times now (also run at shutdown). */
  async flush(): Promise<void> {
    if (this.usageTimer) clearTimeout(this.usageTimer);
    this.usageTimer = undefined;
    if (this.usageDirty) await this.commit((keys) => keys);
    await this.writes;
  }

  private adminKey(id: string): StoredApiKey {
    const key = this.adminKeys.find((candidate) => candidate.id === id);
    if (key) return key;
    if (this.envKeys.some((candidate) => candidate.id === id)) throw new ApiKeyReadOnlyError(id);
    throw new ApiKeyNotFoundError(id);
  }

  /** Serialises changes: each one is computed from the latest list and applied only once it is durable. */
  private commit(change: (keys: StoredApiKey[]) => StoredApiKey[]): Promise<void> {
    const run = async (): Promise<void> => {
      const next = change(this.adminKeys);
      const usageWasDirty = this.usageDirty;
      this.usageDirty = false;
      try {
        await this.repository.save(next.map((key) => this.withLastUsed(key)));
      } catch (error) {
        this.usageDirty ||= usageWasDirty;
        throw error;
      }
      this.adminKeys = next;
      this.rebuildTable();
    };
    const result = this.writes.then(run, run);
    this.writes = result.catch(() => undefined);
    return result;
  }

  private withLastUsed(key: StoredApiKey): StoredApiKey {
    const lastUsedAt = this.lastUsed.get(key.id);
    return lastUsedAt === undefined ? key : { ...key, lastUsedAt };
  }

  private rebuildTable(): void {
    const env = this.envKeys.map((key) => ({
      id: key.id,
      digest: key.digest,
      enabled: true,
      match: { id: key.id, name: key.name, source: 'env' as const },
    }));
    const admin = this.adminKeys.map((key) => ({
      id: key.id,
      digest: Buffer.from(key.hash, 'hex'),
      enabled: key.enabled,
      match: {
        id: key.id,
        name: key.name,
        source: 'admin' as const,
        ...(key.allowedModels ? { allowedModels: key.allowedModels } : {}),
        ...(typeof key.rpmLimit === 'number' ? { rpmLimit: key.rpmLimit } : {}),
      },
    }));
    this.table = [...env, ...admin];
    this.digests = this.table.map((row) => row.digest);
  }

  private envView(key: EnvKey): ApiKeyView {
    const lastUsedAt = this.lastUsed.get(key.id);
    return {
      id: key.id,
      name: key.name,
      enabled: true,
      prefix: key.prefix,
      createdAt: this.bootAt,
      ...(lastUsedAt !== undefined ? { lastUsedAt } : {}),
      source: 'env',
    };
  }

  private adminView(key: StoredApiKey): ApiKeyView {
    const { hash: _hash, ...visible } = this.withLastUsed(key);
    return { ...visible, source: 'admin' };
  }
}

function applyPatch(key: StoredApiKey, patch: ApiKeyPatch): StoredApiKey {
  const next: StoredApiKey = { ...key };
  if (patch.name !== undefined) next.name = patch.name.trim();
  if (patch.enabled !== undefined) next.enabled = patch.enabled;
  if (patch.allowedModels === null) delete next.allowedModels;
  else if (patch.allowedModels !== undefined) next.allowedModels = unique(patch.allowedModels);
  if (patch.rpmLimit === null) delete next.rpmLimit;
  else if (patch.rpmLimit !== undefined) next.rpmLimit = patch.rpmLimit;
  return next;
}

function unique(values: string[]): string[] {
  return [...new Set(values)];
}
