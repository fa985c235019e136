import { HttpClient } from '@angular/common/http';
import { Injectable, inject } from '@angular/core';
import type { AccountsResponse } from '@mcp/contracts';
import { type Observable, map } from 'rxjs';
import { ADMIN_TOKEN_HEADER } from './auth-interceptor';

@Injectable({ providedIn: 'root' })
export class SessionApi {
  private readonly http = inject(HttpClient);

  /** Checks a token before keeping it: any admin route answers 401 to a wrong one. */
  verify(token: string): Observable<true> {
    return this.http
      .get<AccountsResponse>('/admin/accounts', { headers: { [ADMIN_TOKEN_HEADER]: token } })
      .pipe(map(() => true as const));
  }
}
