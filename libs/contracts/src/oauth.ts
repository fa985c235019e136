export type OAuthMethod = 'browser' | 'device';
export type OAuthFlowStatus = 'pending' | 'success' | 'error' | 'expired';

/** A flow as the admin API shows it: never the code verifier. */
export interface OAuthFlowView {
  id: string;
  method: OAuthMethod;
  status: OAuthFlowStatus;
  email?: string;
  targetAccountId?: string;
  createdAt: number;
  expiresAt: number;
  completedAt?: number;
  accountId?: string;
  error?: string;
  userCode?: string;
  verificationUrl?: string;
  intervalSeconds?: number;
}

export interface OAuthStartRequest {
  email?: string;
  accountId?: string;
  method?: OAuthMethod;
}

export type OAuthStartResponse =
  | {
      ok: true;
      flowId: string;
      method: 'browser';
      authorizeUrl: string;
      expectedRedirectUri: string;
      expiresAt: number;
    }
  | {
      ok: true;
      flowId: string;
      method: 'device';
      userCode: string;
      verificationUrl: string;
      intervalSeconds: number;
      expiresAt: number;
    };

export interface OAuthCompleteRequest {
  flowId: string;
  input?: string;
  callbackUrl?: string;
}

export interface OAuthCompleteResponse {
  ok: true;
  account: import('./account').AccountView;
  warning?: string;
}

export type OAuthDevicePollResponse =
  | { ok: true; status: 'pending'; intervalSeconds: number }
  | { ok: true; status: 'success'; account: import('./account').AccountView; warning?: string };

export interface OAuthStatusResponse {
  ok: true;
  flow: OAuthFlowView;
}
