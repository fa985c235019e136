import { HttpErrorResponse } from '@angular/common/http';
import { OAUTH_MESSAGES, explainOAuthError, pastedInputProblem } from './oauth-errors';

function httpError(status: number, message: string | string[]): HttpErrorResponse {
  return new HttpErrorResponse({ status, statusText: 'x', error: { statusCode: status, message, error: 'x' } });
}

describe('explainOAuthError', () => {
  it('explains a state mismatch as a URL from another login attempt', () => {
    expect(explainOAuthError(httpError(400, 'state mismatch'), 'complete')).toBe(OAUTH_MESSAGES.stateMismatch);
    expect(OAUTH_MESSAGES.stateMismatch).toContain('another login attempt');
  });

  it('explains expired, already completed and unknown flows', () => {
    expect(explainOAuthError(httpError(410, 'flow expired'), 'complete')).toBe(OAUTH_MESSAGES.expired);
    expect(explainOAuthError(httpError(409, 'flow already completed'), 'complete')).toBe(
      OAUTH_MESSAGES.alreadyCompleted,
    );
    expect(explainOAuthError(httpError(404, 'flow not found'), 'complete')).toBe(OAUTH_MESSAGES.unknownFlow);
    expect(explainOAuthError(httpError(404, 'account not found'), 'start')).toBe(OAUTH_MESSAGES.unknownAccount);
  });

  it('explains a missing code and a refused login', () => {
    expect(explainOAuthError(httpError(400, 'no authorization code in input'), 'complete')).toBe(OAUTH_MESSAGES.noCode);
    expect(explainOAuthError(httpError(400, ['access_denied: user cancelled']), 'complete')).toBe(
      OAUTH_MESSAGES.accessDenied,
    );
    expect(explainOAuthError(httpError(502, 'token exchange failed: access_denied'), 'poll')).toBe(
      OAUTH_MESSAGES.accessDenied,
    );
  });

  it('passes the upstream reason through when the exchange fails', () => {
    const text = explainOAuthError(httpError(502, 'invalid_grant'), 'complete');
    expect(text).toContain('invalid_grant');
    expect(text).toContain('start a new attempt');
  });

  it('explains network failures and ended sessions', () => {
    expect(explainOAuthError(new HttpErrorResponse({ status: 0 }), 'start')).toBe(OAUTH_MESSAGES.unreachable);
    expect(explainOAuthError(httpError(401, 'Unauthorized'), 'start')).toBe(OAUTH_MESSAGES.session);
  });
});

describe('pastedInputProblem', () => {
  it('accepts a full redirect URL, a query string or a bare code', () => {
    expect(pastedInputProblem('http://localhost:1455/auth/callback?code=abc&state=f1')).toBeNull();
    expect(pastedInputProblem('code=abc&state=f1')).toBeNull();
    expect(pastedInputProblem('abc#f1')).toBeNull();
  });

  it('catches an empty paste, a URL without a code and a refused login before calling the server', () => {
    expect(pastedInputProblem('   ')).toBe(OAUTH_MESSAGES.empty);
    expect(pastedInputProblem('http://localhost:1455/auth/callback?state=f1')).toBe(OAUTH_MESSAGES.noCode);
    expect(pastedInputProblem('http://localhost:1455/auth/callback?error=access_denied&state=f1')).toBe(
      OAUTH_MESSAGES.accessDenied,
    );
    expect(
      pastedInputProblem('http://localhost:1455/auth/callback?error=server_error&error_description=boom'),
    ).toContain('"server_error": boom');
  });
});
