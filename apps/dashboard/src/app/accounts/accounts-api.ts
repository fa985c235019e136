import { HttpClient } from '@angular/common/http';
import { Injectable, inject } from '@angular/core';
import type {
  AccountResponse,
  AccountView,
  OAuthCompleteResponse,
  OAuthDevicePollResponse,
  OAuthFlowView,
  OAuthStartRequest,
  OAuthStartResponse,
  OAuthStatusResponse,
  PatchAccountRequest,
  UsageRefreshResponse,
} from '@mcp/contracts';
import { type Observable, map } from 'rxjs';
import { toHttpParams } from '../core/query';

const path = (id: string) => `/admin/accounts/${encodeURIComponent(id)}`;

@Injectable({ providedIn: 'root' })
export class AccountsApi {
  private readonly http = inject(HttpClient);

  patch(id: string, patch: PatchAccountRequest): Observable<AccountView> {
    return this.http.patch<AccountResponse>(path(id), patch).pipe(map((body) => body.account));
  }

  remove(id: string): Observable<void> {
    return this.http.delete<{ ok: true }>(path(id)).pipe(map(() => undefined));
  }

  /** Without a model, clears every block and cooldown (never the need to log in again). */
  unblock(id: string, model?: string): Observable<AccountView> {
    return this.http
      .post<AccountResponse>(`${path(id)}/unblock`, null, { params: toHttpParams({ model }) })
      .pipe(map((body) => body.account));
  }

  refreshUsage(id: string): Observable<AccountView> {
    return this.http.post<AccountResponse>(`${path(id)}/refresh-usage`, null).pipe(map((body) => body.account));
  }

  refreshAllUsage(): Observable<UsageRefreshResponse> {
    return this.http.post<UsageRefreshResponse>('/admin/usage/refresh', null);
  }

  startOAuth(request: OAuthStartRequest): Observable<OAuthStartResponse> {
    return this.http.post<OAuthStartResponse>('/admin/oauth/start', request);
  }

  completeOAuth(flowId: string, input: string): Observable<OAuthCompleteResponse> {
    return this.http.post<OAuthCompleteResponse>('/admin/oauth/complete', { flowId, input });
  }

  pollDevice(flowId: string): Observable<OAuthDevicePollResponse> {
    return this.http.post<OAuthDevicePollResponse>('/admin/oauth/device/poll', { flowId });
  }

  flowStatus(flowId: string): Observable<OAuthFlowView> {
    return this.http
      .get<OAuthStatusResponse>(`/admin/oauth/status/${encodeURIComponent(flowId)}`)
      .pipe(map((body) => body.flow));
  }
}
