import { HttpClient } from '@angular/common/http';
import { Injectable, inject } from '@angular/core';
import type { SessionStatusResponse } from '@mcp/contracts';
import { type Observable, map } from 'rxjs';

/**
 * The dashboard's session (PROTOCOL.md §11.1): the admin token is traded once for an HttpOnly, SameSite=Strict
 * cookie, so the page never keeps the token itself; the browser sends the cookie with every same-origin call.
 */
@Injectable({ providedIn: 'root' })
export class SessionApi {
  private readonly http = inject(HttpClient);

  status(): Observable<boolean> {
    return this.http.get<SessionStatusResponse>('/admin/session').pipe(map((reply) => reply.authenticated));
  }

  /** 200 sets the cookie; 401 a wrong token; 429 too many wrong tokens from here lately. */
  signIn(token: string): Observable<true> {
    return this.http.post<SessionStatusResponse>('/admin/session', { token }).pipe(map(() => true as const));
  }

  signOut(): Observable<void> {
    return this.http.delete<SessionStatusResponse>('/admin/session').pipe(map(() => undefined));
  }
}
