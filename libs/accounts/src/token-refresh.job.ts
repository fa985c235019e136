import { Injectable } from '@nestjs/common';
import { Interval } from '@nestjs/schedule';
import { FleetLeadership } from '@mcp/storage';
import { TokenService } from './token.service';

const TOKEN_REFRESH_TICK_MS = 30_000;

/** Refreshes tokens ahead of expiry, so requests rarely wait for a refresh; one replica does it for the fleet. */
@Injectable()
export class TokenRefreshJob {
  constructor(
    private readonly tokens: TokenService,
    private readonly leadership: FleetLeadership,
  ) {}

  @Interval('token-refresh', TOKEN_REFRESH_TICK_MS)
  run(): Promise<void> {
    return this.leadership.runIfLeader('token-refresh', () => this.tokens.refreshDue());
  }
}
