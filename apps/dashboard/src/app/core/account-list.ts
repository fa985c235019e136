import { HttpClient } from '@angular/common/http';
import { Injectable, inject } from '@angular/core';
import type { AccountView, AccountsResponse } from '@mcp/contracts';
import { type Observable, map } from 'rxjs';

/**
 * `GET /admin/accounts`, unwrapped: the one list the Accounts, Overview and Tracing pages all read (each into its own
 * `rxResource`, so a page still reloads it on its own schedule).
 */
@Injectable({ providedIn: 'root' })
export class AccountList {
  private readonly http = inject(HttpClient);

  load(): Observable<AccountView[]> {
    return this.http.get<AccountsResponse>('/admin/accounts').pipe(map((body) => body.accounts));
  }
}
