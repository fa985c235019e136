import { HttpClient } from '@angular/common/http';
import { Injectable, inject } from '@angular/core';
import type { ConfigResponse, ModelsAdminResponse } from '@mcp/contracts';
import type { Observable } from 'rxjs';

@Injectable({ providedIn: 'root' })
export class DocsApi {
  private readonly http = inject(HttpClient);

  config(): Observable<ConfigResponse> {
    return this.http.get<ConfigResponse>('/admin/config');
  }

  models(): Observable<ModelsAdminResponse> {
    return this.http.get<ModelsAdminResponse>('/admin/models');
  }
}
