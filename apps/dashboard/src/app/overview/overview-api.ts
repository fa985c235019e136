import { HttpClient } from '@angular/common/http';
import { Injectable, inject } from '@angular/core';
import type { PoolForecast, StatsFilters, TraceStatsResponse, UsageStatsResponse } from '@mcp/contracts';
import type { Observable } from 'rxjs';
import { toHttpParams } from '../core/query';

export interface TraceStatsQuery extends StatsFilters {
  bucketMs?: number;
}

@Injectable({ providedIn: 'root' })
export class OverviewApi {
  private readonly http = inject(HttpClient);

  traceStats(query: TraceStatsQuery): Observable<TraceStatsResponse> {
    return this.http.get<TraceStatsResponse>('/admin/stats/traces', { params: toHttpParams({ ...query }) });
  }

  /** When the pool runs dry at the current pace (GET /admin/forecast). */
  forecast(): Observable<PoolForecast> {
    return this.http.get<PoolForecast>('/admin/forecast');
  }

  usageStats(query: StatsFilters): Observable<UsageStatsResponse> {
    return this.http.get<UsageStatsResponse>('/admin/stats/usage', { params: toHttpParams({ ...query }) });
  }
}
