import { HttpErrorResponse, type HttpInterceptorFn } from '@angular/common/http';
import { inject } from '@angular/core';
import { catchError, throwError } from 'rxjs';
import { AuthStore } from './auth-store';

/** True for same-origin `/admin/...` URLs. */
export function isAdminUrl(url: string): boolean {
  if (url.startsWith('/admin/') || url === '/admin') return true;
  try {
    const parsed = new URL(url, window.location.origin);
    return parsed.origin === window.location.origin && parsed.pathname.startsWith('/admin/');
  } catch {
    return false;
  }
}

/** The session call answers for itself (a wrong token at sign-in is not an expired session). */
function isSessionUrl(url: string): boolean {
  return new URL(url, window.location.origin).pathname === '/admin/session';
}

/**
 * Admin calls carry the session cookie on their own (same origin); this only notices a 401, which means the session
 * is over, and sends the user back to sign in.
 */
export const authInterceptor: HttpInterceptorFn = (req, next) => {
  if (!isAdminUrl(req.url) || isSessionUrl(req.url)) return next(req);
  const auth = inject(AuthStore);
  return next(req).pipe(
    catchError((error: unknown) => {
      if (error instanceof HttpErrorResponse && error.status === 401) auth.rejected();
      return throwError(() => error);
    }),
  );
};
