import { Injectable, Logger, type OnApplicationBootstrap, type Type } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { AccountsService, ModelCatalogService } from '@mcp/accounts';
import { ApiKeysService } from '@mcp/client-keys';
import { type AccountsMemory, PostgresAccountRepository } from './accounts/postgres-account.repository';
import { PostgresCatalogueShare } from './catalogue/postgres-catalogue-share';
import { ChangeFeed } from './db/change-feed';

type ApiKeysMemory = Pick<ApiKeysService, 'reload'>;
type CatalogueMemory = Pick<ModelCatalogService, 'importState'>;

/**
 * Keeps this replica's in-memory state in step with what other replicas write: accounts (blocks,
 * quota, tokens), client keys and the model catalogue. Services are found at bootstrap through
 * ModuleRef, so this lib imports no feature module; a service that is absent (a partial app in a
 * spec) is simply not followed, but one that lacks the method we need stops the boot, because
 * replicas that cannot see each other's writes would refresh tokens twice and route onto blocked accounts.
 */
@Injectable()
export class StoreFollowers implements OnApplicationBootstrap {
  private readonly logger = new Logger('Postgres');
  private keysReload: Promise<void> | undefined;
  private keysReloadAgain = false;

  constructor(
    private readonly moduleRef: ModuleRef,
    private readonly feed: ChangeFeed,
    private readonly accounts: PostgresAccountRepository,
    private readonly catalogue: PostgresCatalogueShare,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.followAccounts();
    await this.followApiKeys();
    await this.followCatalogue();
  }

  private async followAccounts(): Promise<void> {
    const memory = this.find<AccountsMemory>(AccountsService, 'adoptStored');
    if (!memory) return;
    this.accounts.attach(memory);
    const refresh = (ids?: string[]): void => {
      this.accounts.refresh(ids).catch((error: unknown) => this.warn('accounts', error));
    };
    await this.feed.subscribe('accounts', {
      onChange: (change) => refresh(change.id === undefined ? undefined : [change.id]),
      onResync: () => refresh(),
    });
    await this.accounts.refresh(); // what changed between our load and the LISTEN
  }

  private async followApiKeys(): Promise<void> {
    const keys = this.find<ApiKeysMemory>(ApiKeysService, 'reload');
    if (!keys) return;
    const reload = (): void => this.reloadKeys(keys);
    await this.feed.subscribe('api_keys', { onChange: reload, onResync: reload });
    reload();
  }

  private async followCatalogue(): Promise<void> {
    const catalog = this.find<CatalogueMemory>(ModelCatalogService, 'importState');
    if (!catalog) return;
    const adopt = (): void => {
      this.catalogue
        .read()
        .then((state) => state && catalog.importState(state))
        .catch((error: unknown) => this.warn('the model catalogue', error));
    };
    await this.feed.subscribe('catalogue', { onChange: adopt, onResync: adopt });
    adopt();
  }

  /** One reload at a time; changes arriving meanwhile cause exactly one more. */
  private reloadKeys(keys: ApiKeysMemory): void {
    if (this.keysReload) {
      this.keysReloadAgain = true;
      return;
    }
    this.keysReload = keys
      .reload()
      .catch((error: unknown) => this.warn('client keys', error))
      .finally(() => {
        this.keysReload = undefined;
        if (this.keysReloadAgain) {
          this.keysReloadAgain = false;
          this.reloadKeys(keys);
        }
      });
  }

  private find<T>(token: Type, method: string): T | undefined {
    let service: unknown;
    try {
      service = this.moduleRef.get(token, { strict: false });
    } catch {
      return undefined;
    }
    if (typeof (service as Record<string, unknown>)[method] !== 'function') {
      throw new Error(
        `STORAGE=postgres needs ${token.name}.${method}() so replicas see each other's changes; ` +
          'this build lacks it (see libs/postgres/README.md, "Seams")',
      );
    }
    return service as T;
  }

  private warn(what: string, error: unknown): void {
    this.logger.warn(`Reading ${what} changed by another replica failed: ${(error as Error).message}`);
  }
}
