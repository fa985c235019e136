import { Injectable, OnModuleInit } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import type { Account, AccountsService } from '@mcp/accounts';
import type { AccountInfo } from './stats/stats-history';

/**
 * Reads accounts for stats labels and quota gauges. AccountsService is found through ModuleRef and
 * its class is loaded only at init (a dynamic import of ./accounts-token), so neither the Nest
 * modules nor the CommonJS files form a cycle when accounts reports to MetricsService, whichever
 * lib loads first. Without AccountsService (tracing on its own) there are simply no accounts.
 */
@Injectable()
export class AccountsLookup implements OnModuleInit {
  private service: AccountsService | undefined;

  constructor(private readonly moduleRef: ModuleRef) {}

  async onModuleInit(): Promise<void> {
    const { AccountsService: token } = await import('./accounts-token');
    try {
      this.service = this.moduleRef.get(token, { strict: false });
    } catch {
      this.service = undefined;
    }
  }

  list(): Account[] {
    return this.service?.list() ?? [];
  }

  info(accountId: string): AccountInfo {
    const account = this.service?.get(accountId);
    if (!account) return null;
    const info: NonNullable<AccountInfo> = { id: account.id, enabled: account.enabled };
    if (account.email !== undefined) info.email = account.email;
    if (account.label !== undefined) info.label = account.label;
    return info;
  }
}
