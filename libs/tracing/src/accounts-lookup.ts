import { Injectable } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { type Account, AccountsService } from '@mcp/accounts';
import type { AccountInfo } from './stats/stats-history';

/**
 * Reads accounts for stats labels and quota gauges. Looked up lazily through ModuleRef instead of
 * importing AccountsModule, so accounts may report to MetricsService without a module cycle;
 * without AccountsService (a spec of tracing alone) there are simply no accounts.
 */
@Injectable()
export class AccountsLookup {
  private cached: AccountsService | null | undefined;

  constructor(private readonly moduleRef: ModuleRef) {}

  list(): Account[] {
    return this.service()?.list() ?? [];
  }

  info(accountId: string): AccountInfo {
    const account = this.service()?.get(accountId);
    if (!account) return null;
    const info: NonNullable<AccountInfo> = { id: account.id, enabled: account.enabled };
    if (account.email !== undefined) info.email = account.email;
    if (account.label !== undefined) info.label = account.label;
    return info;
  }

  private service(): AccountsService | null {
    if (this.cached === undefined) {
      try {
        this.cached = this.moduleRef.get(AccountsService, { strict: false });
      } catch {
        this.cached = null;
      }
    }
    return this.cached ?? null;
  }
}
