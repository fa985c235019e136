import { Injectable } from '@nestjs/common';
import { AppConfig, Clock } from '@mcp/config';
import { finiteNumber, isRecord, nonEmptyString } from '@mcp/codex';
import {
  ChatgptHttp,
  type RefreshedTokens,
  type UpstreamJsonResponse,
  describeTokenFailure,
  oauthError,
  parseTokenResponse,
} from '@mcp/accounts';
import { OAuthUpstreamError } from './errors';

const AUTH_TIMEOUT_MS = 20_000;
const DEFAULT_DEVICE_INTERVAL_S = 5;
const DEFAULT_DEVICE_TTL_S = 900;
const PENDING_CODES = new Set([
  'deviceauth_authorization_pending',
  'authorization_pending',
  'deviceauth_authorization_unknown',
]);
const EXPIRED_CODES = new Set(['deviceauth_expired', 'expired_token']);

export interface DeviceCode {
  deviceAuthId: string;
  userCode: string;
  intervalSeconds: number;
  expiresAt: number;
  verificationUrl: string;
}

export type DevicePoll =
  | { kind: 'pending' }
  | { kind: 'slow_down' }
  | { kind: 'expired' }
  | { kind: 'approved'; code: string; codeVerifier: string }
  | { kind: 'failed'; reason: string };

/** The OpenAI auth endpoints: code exchange (§8.2) and the device-code flow (§8.6). */
@Injectable()
export class OAuthClient {
  constructor(
    private readonly http: ChatgptHttp,
    private readonly config: AppConfig,
    private readonly clock: Clock,
  ) {}

  async exchangeCode(code: string, codeVerifier: string, redirectUri: string): Promise<RefreshedTokens> {
    const response = await this.send(() =>
      this.http.postForm(
        this.config.oauthTokenUrl,
        {
          grant_type: 'authorization_code',
          code,
          redirect_uri: redirectUri,
          client_id: this.config.oauthClientId,
          code_verifier: codeVerifier,
        },
        { timeoutMs: AUTH_TIMEOUT_MS },
      ),
    );
    if (!isSuccess(response)) {
      throw new OAuthUpstreamError(`The token endpoint refused the login (${describeTokenFailure(response)})`);
    }
    const tokens = parseTokenResponse(response.body, this.clock.now());
    if (!tokens) throw new OAuthUpstreamError('The token endpoint answered without an access token');
    return tokens;
  }

  async requestDeviceCode(): Promise<DeviceCode> {
    const response = await this.send(() =>
      this.http.postJson(
        this.config.oauthDeviceAuthorizationUrl,
        { client_id: this.config.oauthClientId },
        { timeoutMs: AUTH_TIMEOUT_MS },
      ),
    );
    if (!isSuccess(response)) {
      throw new OAuthUpstreamError(`The device-code endpoint refused the request (${describeTokenFailure(response)})`);
    }
    const body = isRecord(response.body) ? response.body : {};
    const deviceAuthId = nonEmptyString(body['device_auth_id']);
    const userCode = nonEmptyString(body['user_code']) ?? nonEmptyString(body['usercode']);
    if (!deviceAuthId || !userCode)
      throw new OAuthUpstreamError('The device-code endpoint answered without a user code');
    return {
      deviceAuthId,
      userCode,
      intervalSeconds: finiteNumber(body['interval']) ?? DEFAULT_DEVICE_INTERVAL_S,
      expiresAt: this.deviceExpiry(body),
      verificationUrl:
        nonEmptyString(body['verification_url']) ??
        nonEmptyString(body['verification_uri']) ??
        this.config.oauthDeviceVerificationUrl,
    };
  }

  async pollDevice(deviceAuthId: string, userCode: string): Promise<DevicePoll> {
    const response = await this.send(() =>
      this.http.postJson(
        this.config.oauthDeviceTokenUrl,
        { device_auth_id: deviceAuthId, user_code: userCode },
        { timeoutMs: AUTH_TIMEOUT_MS },
      ),
    );
    const { code } = oauthError(response.body);
    if (isSuccess(response)) {
      const body = isRecord(response.body) ? response.body : {};
      const authorizationCode = nonEmptyString(body['authorization_code']);
      const codeVerifier = nonEmptyString(body['code_verifier']);
      if (authorizationCode && codeVerifier) return { kind: 'approved', code: authorizationCode, codeVerifier };
      return { kind: 'failed', reason: 'the device-code endpoint answered without an authorization code' };
    }
    if (code === 'slow_down') return { kind: 'slow_down' };
    if (code !== undefined && EXPIRED_CODES.has(code)) return { kind: 'expired' };
    if ((response.status === 403 || response.status === 404) && (code === undefined || PENDING_CODES.has(code))) {
      return { kind: 'pending' };
    }
    return { kind: 'failed', reason: describeTokenFailure(response) };
  }

  /** `expires_at` (epoch s, ms, or an ISO date) or `expires_in` (s), default 15 minutes. */
  private deviceExpiry(body: Record<string, unknown>): number {
    const at = body['expires_at'];
    const epoch = finiteNumber(at);
    if (epoch !== undefined && epoch > 0) return epoch > 1e10 ? epoch : epoch * 1000;
    if (typeof at === 'string') {
      const parsed = Date.parse(at);
      if (Number.isFinite(parsed)) return parsed;
    }
    return this.clock.now() + (finiteNumber(body['expires_in']) ?? DEFAULT_DEVICE_TTL_S) * 1000;
  }

  private async send(call: () => Promise<UpstreamJsonResponse>): Promise<UpstreamJsonResponse> {
    try {
      return await call();
    } catch (error) {
      throw new OAuthUpstreamError(`The auth server could not be reached: ${(error as Error).message}`);
    }
  }
}

function isSuccess(response: UpstreamJsonResponse): boolean {
  return response.status >= 200 && response.status < 300;
}
