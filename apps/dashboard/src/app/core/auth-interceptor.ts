import { HttpErrorResponse, type HttpInterceptorFn } from '@angular/common/http';
import { inject } from '@angular/core';
import { catchError, throwError } from 'rxjs';
import { AuthStore } from './auth-store';

export const ADMIN_TOKEN_HEADER = 'x-admin-token';

/** True for same-origin `/admin/...` URLs: the admin token must never leave for another host. */
export function isAdminUrl(url: string): boolean {
  if (url.startsWith('/admin/') || url === '/admin') return true;
  try {
    const parsed = new URL(url, window.location.origin);
    return parsed.origin === window.location.origin && parsed.pathname.startsWith('/admin/');
  } catch {
    return false;
  }
}

/** Adds the admin token to admin API calls; a 401 on the stored token signs the user out. */
export const authInterceptor: HttpInterceptorFn = (req, next) => {
  if (!isAdminUrl(req.url)) return next(req);
  const auth = inject(AuthStore);
  const explicit = req.headers.get(ADMIN_TOKEN_HEADER);
  const token = explicit ?? auth.token();
  const sent = explicit === null && token !== null ? req.clone({ setHeaders: { [ADMIN_TOKEN_HEADER]: token } }) : req;
  return next(sent).pipe(
    catchError((error: unknown) => {
      if (error instanceof HttpErrorResponse && error.status === 401) auth.rejected(token);
      return throwError(() => error);
    }),
  );
};
