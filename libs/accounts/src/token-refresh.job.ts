import { Inject, Injectable, Optional } from '@nestjs/common';
import { Interval } from '@nestjs/schedule';
import { FLEET_LEADERSHIP, type FleetLeadership, runAsLeader } from '@mcp/config';
import { TokenService } from './token.service';

const TOKEN_REFRESH_TICK_MS = 30_000;

/** Refreshes tokens ahead of expiry, so requests rarely wait for a refresh; one replica does it for the fleet. */
@Injectable()
export class TokenRefreshJob {
  constructor(
    private readonly tokens: TokenService,
    @Optional() @Inject(FLEET_LEADERSHIP) private readonly leadership?: FleetLeadership,
  ) {}

  @Interval('token-refresh', TOKEN_REFRESH_TICK_MS)
  run(): Promise<void> {
    return runAsLeader(this.leadership, 'token-refresh', () => this.tokens.refreshDue());
  }
}
