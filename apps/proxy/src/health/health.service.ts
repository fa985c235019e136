import { Injectable } from '@nestjs/common';
import type { HealthResponse } from '@mcp/contracts';
import { AccountsService } from '@mcp/accounts';
import { AppConfig, Clock } from '@mcp/config';

@Injectable()
export class HealthService {
  private readonly startedAt: number;

  constructor(
    private readonly config: AppConfig,
    private readonly clock: Clock,
    private readonly accounts: AccountsService,
  ) {
    this.startedAt = clock.now();
  }

  report(): HealthResponse {
    return {
      ok: true,
      version: this.config.version,
      uptimeSeconds: Math.floor((this.clock.now() - this.startedAt) / 1000),
      accounts: { total: this.accounts.list().length, usable: this.accounts.usable().length },
    };
  }
}
