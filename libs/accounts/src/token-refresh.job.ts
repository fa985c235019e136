import { Injectable } from '@nestjs/common';
import { Interval } from '@nestjs/schedule';
import { TokenService } from './token.service';

const TOKEN_REFRESH_TICK_MS = 30_000;

/** Refreshes tokens ahead of expiry, so requests rarely wait for a refresh. */
@Injectable()
export class TokenRefreshJob {
  constructor(private readonly tokens: TokenService) {}

  @Interval('token-refresh', TOKEN_REFRESH_TICK_MS)
  run(): Promise<void> {
    return this.tokens.refreshDue();
  }
}
