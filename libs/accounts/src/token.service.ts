import { Injectable, Logger, Optional } from '@nestjs/common';
import { AppConfig, Clock } from '@mcp/config';
import { AccountsService, type AccountSnapshot } from './accounts.service';
import { ChatgptHttp } from './chatgpt-http';
import { AccountNotFoundError, NeedsReauthError, TokenRefreshError } from './errors';
import { describeTokenFailure, isTerminalRefreshFailure, parseTokenResponse } from './oauth-tokens';
import { RefreshCoordinator } from './shared-store-ports';
import { TokenEvents } from './token-events';

const REFRESH_TIMEOUT_MS = 20_000;
const REFRESH_SCOPE = 'openid profile email';

/**
 * Fresh access tokens. Refresh tokens rotate and are single-use, so there is at most one refresh
 * per account in flight and every concurrent caller awaits it (PROTOCOL §8.5). With several
 * replicas, the RefreshCoordinator extends that to the fleet.
 */
@Injectable()
export class TokenService {
  private readonly logger = new Logger('Tokens');
  private readonly inFlight = new Map<string, Promise<string>>();
  private readonly events: TokenEvents;

  constructor(
    private readonly accounts: AccountsService,
    private readonly http: ChatgptHttp,
    private readonly config: AppConfig,
    private readonly clock: Clock,
    private readonly coordinator: RefreshCoordinator,
    @Optional() events?: TokenEvents,
  ) {
    // Optional so a module that provides only TokenService (unit harnesses) still builds; nobody listens there.
    this.events = events ?? new TokenEvents();
  }

  /** A usable access token, refreshed first when it expires within TOKEN_REFRESH_MARGIN_MS. */
  async accessToken(id: string): Promise<string> {
    const account = this.signedIn(id);
    const running = this.inFlight.get(id);
    if (running) return running;
    if (!this.isDue(account)) return account.accessToken;
    return this.singleFlight(id, false);
  }

  /**
   * Forces a refresh (after an upstream 401). With `rejectedToken`, a token that was already
   * replaced by another caller's refresh is not refreshed again: the current one is returned.
   */
  async refresh(id: string, rejectedToken?: string): Promise<string> {
    const account = this.signedIn(id);
    const running = this.inFlight.get(id);
    if (running) return running;
    if (rejectedToken !== undefined && account.accessToken !== rejectedToken) return account.accessToken;
    return this.singleFlight(id, true, rejectedToken);
  }

  /** Scheduled: refreshes every signed-in account whose token is inside the margin. */
  async refreshDue(): Promise<void> {
    for (const account of this.accounts.usable()) {
      if (!account.refreshToken || !this.isDue(account)) continue;
      try {
        await this.singleFlight(account.id, false);
      } catch (error) {
        this.logger.warn(`Scheduled refresh of ${account.id} failed: ${(error as Error).message}`);
      }
    }
  }

  isDue(account: AccountSnapshot): boolean {
    return account.expiresAt !== undefined && account.expiresAt - this.clock.now() < this.config.tokenRefreshMarginMs;
  }

  /** The stored account, read without copying (every request asks for a token; nothing here changes it). */
  private signedIn(id: string): AccountSnapshot {
    const account = this.accounts.snapshotOf(id);
    if (!account) throw new AccountNotFoundError(id);
    if (account.state.needsReauth) throw new NeedsReauthError(id, account.state.lastError);
    return account;
  }

  private singleFlight(id: string, forced: boolean, rejectedToken?: string): Promise<string> {
    let running = this.inFlight.get(id);
    if (!running) {
      const refresh = () => this.refreshUnlessRotated(id, forced, rejectedToken);
      running = this.coordinator.exclusive(id, refresh).finally(() => this.inFlight.delete(id));
      this.inFlight.set(id, running);
    }
    return running;
  }

  /** Another replica may have rotated the tokens while we waited for the fleet-wide lock: then use them. */
  private refreshUnlessRotated(id: string, forced: boolean, rejectedToken: string | undefined): Promise<string> {
    const account = this.signedIn(id);
    if (!forced && account.refreshToken && !this.isDue(account)) return Promise.resolve(account.accessToken);
    if (rejectedToken !== undefined && account.accessToken !== rejectedToken)
      return Promise.resolve(account.accessToken);
    return this.runRefresh(id, forced);
  }

  private async runRefresh(id: string, forced: boolean): Promise<string> {
    const account = this.accounts.require(id);
    if (!account.refreshToken) {
      if (!forced && this.stillValid(account)) return account.accessToken;
      return this.terminal(id, 'the access token expired and there is no refresh token');
    }
    let response;
    try {
      response = await this.http.postJson(
        this.config.oauthTokenUrl,
        {
          client_id: this.config.oauthClientId,
          grant_type: 'refresh_token',
          refresh_token: account.refreshToken,
          scope: REFRESH_SCOPE,
        },
        { timeoutMs: REFRESH_TIMEOUT_MS },
      );
    } catch (error) {
      return this.transient(account, (error as Error).message, forced);
    }
    if (response.status >= 200 && response.status < 300) {
      const tokens = parseTokenResponse(response.body, this.clock.now());
      if (!tokens) return this.transient(account, 'the token endpoint answered without an access token', forced);
      // Durable before anyone uses the new access token: the old refresh token is already spent.
      const updated = await this.accounts.applyRefresh(id, tokens);
      this.logger.log(`Refreshed the access token of ${id}`);
      this.events.refreshed('success', id);
      return updated.accessToken;
    }
    const reason = describeTokenFailure(response);
    if (isTerminalRefreshFailure(response)) return this.terminal(id, `refresh rejected (${reason})`);
    return this.transient(account, reason, forced);
  }

  private async terminal(id: string, reason: string): Promise<never> {
    this.logger.warn(`Account ${id} needs a new login: ${reason}`);
    await this.accounts.markNeedsReauth(id, `Needs re-login: ${reason}`);
    this.events.refreshed('needs_reauth', id);
    throw new NeedsReauthError(id, reason);
  }

  /** 5xx, network or malformed replies: keep the current token while it is valid, retry on the next tick. */
  private transient(account: AccountSnapshot, reason: string, forced: boolean): string {
    this.accounts.recordError(account.id, `Token refresh failed: ${reason}`);
    this.events.refreshed('failure', account.id);
    if (!forced && this.stillValid(account)) return account.accessToken;
    throw new TokenRefreshError(account.id, reason);
  }

  private stillValid(account: AccountSnapshot): boolean {
    return account.expiresAt === undefined || account.expiresAt > this.clock.now();
  }
}
