import type { OAuthFlowStatus, OAuthFlowView, OAuthMethod } from '@mcp/contracts';

/** One login attempt as stored in oauth-state.json (PROTOCOL §10.3). `codeVerifier` is a secret. */
export interface OAuthFlow {
  id: string;
  method: OAuthMethod;
  status: OAuthFlowStatus;
  email?: string;
  targetAccountId?: string;
  codeVerifier?: string;
  createdAt: number;
  expiresAt: number;
  completedAt?: number;
  accountId?: string;
  error?: string;
  deviceAuthId?: string;
  userCode?: string;
  verificationUrl?: string;
  intervalSeconds?: number;
}

export const MAX_FLOWS = 200;
export const FINISHED_FLOW_RETENTION_MS = 24 * 60 * 60 * 1000;

/** The flow without its secrets (the verifier and the upstream device id). */
export function toFlowView(flow: OAuthFlow): OAuthFlowView {
  const { codeVerifier: _verifier, deviceAuthId: _device, ...view } = flow;
  return view;
}

/** Moves a flow to a final status; the verifier is no longer needed, so it is dropped. */
export function finishFlow(
  flow: OAuthFlow,
  status: Exclude<OAuthFlowStatus, 'pending'>,
  now: number,
  error?: string,
): void {
  flow.status = status;
  flow.completedAt = now;
  delete flow.codeVerifier;
  if (error !== undefined) flow.error = error;
}

/**
 * The §10.3 housekeeping: pending flows past their expiry become `expired`, finished flows older
 * than 24 h go, and at most 200 remain, newest first. Returns whether anything changed.
 */
export function tidyFlows(flows: OAuthFlow[], now: number): { flows: OAuthFlow[]; changed: boolean } {
  let changed = false;
  for (const flow of flows) {
    if (flow.status === 'pending' && now > flow.expiresAt) {
      finishFlow(flow, 'expired', now, 'The login attempt expired before it was completed');
      changed = true;
    }
  }
  const kept = flows
    .filter(
      (flow) => flow.status === 'pending' || now - (flow.completedAt ?? flow.expiresAt) <= FINISHED_FLOW_RETENTION_MS,
    )
    .sort((a, b) => b.createdAt - a.createdAt)
    .slice(0, MAX_FLOWS);
  if (kept.length !== flows.length) changed = true;
  return { flows: kept, changed };
}
