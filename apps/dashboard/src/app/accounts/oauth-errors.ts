import { toApiError } from '../core/http-error';

export type OAuthStep = 'start' | 'complete' | 'poll';

export const OAUTH_MESSAGES = {
  stateMismatch:
    'This URL is from another login attempt: its state does not match this one. Paste the address you reached from the login link shown here, or start again.',
  expired: 'This login attempt expired (attempts last 15 minutes). Start a new one.',
  alreadyCompleted:
    'This login attempt was already completed, so the account should already be in the list. Start a new attempt to log in again.',
  accessDenied:
    'The login was cancelled or access was refused on the OpenAI page (access_denied). Start again and approve the access.',
  noCode:
    'No authorization code was found. Copy the whole address from the browser after logging in: it starts with the redirect URI and contains "code=".',
  empty: 'Paste the address the browser showed after you logged in.',
  unknownFlow: 'The server does not know this login attempt (it may have restarted). Start a new one.',
  unknownAccount: 'This account no longer exists. Reload the list.',
  unreachable: 'The server could not be reached. Check your connection and try again.',
  session: 'Your admin session ended. Sign in again, then restart the login.',
  notDevice: 'This login attempt is not a device-code login. Start a new one.',
} as const;

/** The `error` a redirect URL carries when the user refused or OpenAI failed the login. */
function redirectError(input: string): string | null {
  const query = input.includes('?') ? input.slice(input.indexOf('?') + 1) : input.includes('=') ? input : '';
  if (query === '') return null;
  const params = new URLSearchParams(query.split('#')[0]);
  const error = params.get('error');
  if (!error) return null;
  if (error === 'access_denied') return OAUTH_MESSAGES.accessDenied;
  const description = params.get('error_description');
  return `OpenAI ended the login with "${error}"${description ? `: ${description}` : ''}. Start again.`;
}

/** Problems visible in the pasted text itself, caught before calling the server. */
export function pastedInputProblem(input: string): string | null {
  const text = input.trim();
  if (text === '') return OAUTH_MESSAGES.empty;
  const fromRedirect = redirectError(text);
  if (fromRedirect) return fromRedirect;
  if (/^https?:\/\//i.test(text)) {
    const query = text.includes('?') ? (text.slice(text.indexOf('?') + 1).split('#')[0] ?? '') : '';
    if (!new URLSearchParams(query).get('code')) return OAUTH_MESSAGES.noCode;
  }
  return null;
}

function explainBadRequest(message: string, step: OAuthStep): string {
  if (/state/i.test(message)) return OAUTH_MESSAGES.stateMismatch;
  if (/access_denied/i.test(message)) return OAUTH_MESSAGES.accessDenied;
  if (/not a device/i.test(message) || (step === 'poll' && /device/i.test(message))) return OAUTH_MESSAGES.notDevice;
  if (/code/i.test(message)) return OAUTH_MESSAGES.noCode;
  return `The server refused the request: ${message}`;
}

/** Turns an OAuth call failure into a sentence the admin can act on (PROTOCOL §8.1, §11.3). */
export function explainOAuthError(error: unknown, step: OAuthStep): string {
  const { status, message } = toApiError(error);
  switch (status) {
    case 0:
      return OAUTH_MESSAGES.unreachable;
    case 400:
      return explainBadRequest(message, step);
    case 401:
      return OAUTH_MESSAGES.session;
    case 404:
      return step === 'start' ? OAUTH_MESSAGES.unknownAccount : OAUTH_MESSAGES.unknownFlow;
    case 409:
      return OAUTH_MESSAGES.alreadyCompleted;
    case 410:
      return OAUTH_MESSAGES.expired;
    case 502:
      if (/access_denied/i.test(message)) return OAUTH_MESSAGES.accessDenied;
      return `OpenAI refused the login: ${message}. Codes are single-use and short-lived, so start a new attempt.`;
    default:
      return `The login failed (${status}): ${message}`;
  }
}
