import type { ServerResponse } from 'node:http';
import { randomBytes } from 'node:crypto';
import { addAccount, findByEmail } from './accounts';
import { HttpError, asString, escapeHtml, sendHtml, sendJson } from './http-util';
import { randomToken, s256 } from './jwt';
import { mintCode } from './oauth-handlers';
import type { EmulatorState, DeviceFlowEntry } from './state';

const LETTERS = 'ABCDEFGHJKLMNPQRSTUVWXYZ';

function userCode(): string {
  const bytes = randomBytes(8);
  const letters = Array.from(bytes.subarray(0, 4), (b) => LETTERS[b % LETTERS.length]).join('');
  const digits = Array.from(bytes.subarray(4), (b) => String(b % 10)).join('');
  return `${letters}-${digits}`;
}

function deviceError(status: number, code: string, message: string): HttpError {
  return new HttpError(status, { error: { code, message } });
}

/** `POST /api/accounts/deviceauth/usercode` {client_id}. */
export function handleUserCode(state: EmulatorState, body: Record<string, unknown>, res: ServerResponse): void {
  if (asString(body.client_id) !== state.options.clientId)
    throw deviceError(400, 'invalid_client', 'Unknown client_id');
  const flow: DeviceFlowEntry = {
    deviceAuthId: randomToken('deviceauth_', 16),
    userCode: userCode(),
    expiresAt: state.now() + state.options.deviceExpiresInSec * 1000,
    redeemed: false,
  };
  state.deviceFlows.set(flow.deviceAuthId, flow);
  sendJson(res, 200, {
    device_auth_id: flow.deviceAuthId,
    user_code: flow.userCode,
    interval: String(state.options.deviceIntervalSec),
    expires_at: new Date(flow.expiresAt).toISOString(),
  });
}

/** `POST /api/accounts/deviceauth/token` {device_auth_id, user_code}: pending (403) until approved. */
export function handleDevicePoll(state: EmulatorState, body: Record<string, unknown>, res: ServerResponse): void {
  state.counters.devicePolls += 1;
  const flow = state.deviceFlows.get(asString(body.device_auth_id) ?? '');
  if (!flow || flow.userCode !== asString(body.user_code)) {
    throw deviceError(400, 'invalid_request', 'Unknown device_auth_id or user_code');
  }
  if (state.now() > flow.expiresAt) throw deviceError(400, 'deviceauth_expired', 'The device code has expired');
  if (flow.redeemed) throw deviceError(400, 'deviceauth_already_redeemed', 'The device code has already been used');
  if (!flow.approvedAccountId) {
    throw deviceError(403, 'deviceauth_authorization_pending', 'Device authorization is pending');
  }
  flow.redeemed = true;
  const verifier = randomToken('', 32);
  const challenge = s256(verifier);
  const code = mintCode(state, flow.approvedAccountId, state.options.deviceRedirectUri, challenge);
  sendJson(res, 200, { authorization_code: code, code_challenge: challenge, code_verifier: verifier });
}

/** Approves a pending user code for an account (id or email; an unknown email is created when allowed). */
export function approveDevice(state: EmulatorState, code: string, accountRef: string): string {
  const wanted = code.trim().toUpperCase();
  const flow = [...state.deviceFlows.values()].find((f) => f.userCode === wanted);
  if (!flow) throw new Error(`unknown user code: ${code}`);
  if (state.now() > flow.expiresAt) throw new Error(`user code expired: ${code}`);
  let account = state.accounts.get(accountRef) ?? findByEmail(state, accountRef);
  if (!account && accountRef.includes('@') && state.options.autoCreateAccounts)
    account = addAccount(state, { email: accountRef });
  if (!account) throw new Error(`unknown account: ${accountRef}`);
  flow.approvedAccountId = account.id;
  return account.id;
}

/** `GET /codex/device`: the page the user opens; `?user_code=…&email=…` approves. */
export function handleDevicePage(state: EmulatorState, url: URL, res: ServerResponse): void {
  const code = url.searchParams.get('user_code');
  const email = url.searchParams.get('email');
  if (code && email) {
    try {
      approveDevice(state, code, email);
      sendHtml(
        res,
        200,
        'Device approved',
        `<h1>Device approved</h1><p>Signed in as ${escapeHtml(email)}. You can close this page.</p>`,
      );
    } catch (err) {
      sendHtml(
        res,
        400,
        'Device approval failed',
        `<h1>Device approval failed</h1><p>${escapeHtml((err as Error).message)}</p>`,
      );
    }
    return;
  }
  sendHtml(
    res,
    200,
    'Enter code',
    '<h1>Sign in to Codex (emulated)</h1><form method="get"><label>Code <input name="user_code"></label>' +
      '<label>Email <input name="email" type="email"></label><button type="submit">Continue</button></form>',
  );
}
