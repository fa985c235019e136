import { Injectable } from '@nestjs/common';
import { Clock } from '@mcp/config';
import type {
  AccountResponse,
  AccountsResponse,
  CreateAccountRequest,
  ModelsAdminResponse,
  PatchAccountRequest,
  UsageRefreshResponse,
} from '@mcp/contracts';
import { type Account, toAccountView } from './account';
import { AccountsService } from './accounts.service';
import { ModelCatalogService } from './model-catalog.service';
import { UsageProbeService } from './usage-probe.service';

export interface CreatedAccount {
  /** False when an account with the same identity existed and was updated (HTTP 200 instead of 201). */
  created: boolean;
  body: AccountResponse;
}

/** The admin API's use cases, answering in @mcp/contracts shapes: redacted accounts only. */
@Injectable()
export class AccountsAdminService {
  constructor(
    private readonly accounts: AccountsService,
    private readonly probes: UsageProbeService,
    private readonly catalog: ModelCatalogService,
    private readonly clock: Clock,
  ) {}

  list(): AccountsResponse {
    return { accounts: this.accounts.list().map((account) => this.view(account)) };
  }

  async create(request: CreateAccountRequest): Promise<CreatedAccount> {
    const { account, created } = await this.accounts.upsertFromTokens(request);
    return { created, body: this.reply(account) };
  }

  async patch(id: string, patch: PatchAccountRequest): Promise<AccountResponse> {
    return this.reply(await this.accounts.patch(id, patch));
  }

  async remove(id: string): Promise<{ ok: true }> {
    await this.accounts.remove(id);
    return { ok: true };
  }

  async unblock(id: string, model?: string): Promise<AccountResponse> {
    return this.reply(await this.accounts.clearBlocks(id, model));
  }

  /** Token check and a forced probe; a failure propagates (the route answers 502). */
  async refreshUsage(id: string): Promise<AccountResponse> {
    return this.reply(await this.probes.probe(id));
  }

  async refreshAllUsage(): Promise<UsageRefreshResponse> {
    const { accounts, errors } = await this.probes.probeAll();
    return { ok: true, accounts: accounts.map((account) => this.view(account)), errors };
  }

  models(): ModelsAdminResponse {
    return this.catalog.adminView();
  }

  async refreshModels(): Promise<ModelsAdminResponse> {
    await this.catalog.refresh();
    return this.catalog.adminView();
  }

  private reply(account: Account): AccountResponse {
    return { ok: true, account: this.view(account) };
  }

  private view(account: Account) {
    return toAccountView(account, this.clock.now());
  }
}
