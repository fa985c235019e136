import { HttpClient, HttpErrorResponse, type HttpResponse } from '@angular/common/http';
import { Injectable, inject } from '@angular/core';
import type { TraceRecord, TraceResponse, TracesPageResponse, TraceSummary } from '@mcp/contracts';
import { type Observable, catchError, expand, map, reduce, throwError, EMPTY } from 'rxjs';
import { toHttpParams } from '../core/query';
import { type TraceFilters, filterParams } from './trace-query';

export interface TraceExport {
  blob: Blob;
  filename: string;
}

const MAX_PAGE_SIZE = 100;

function filenameFrom(response: HttpResponse<Blob>, fallback: string): string {
  const disposition = response.headers.get('content-disposition') ?? '';
  const match = /filename\*?=(?:UTF-8'')?"?([^";]+)"?/i.exec(disposition);
  return match?.[1] ? decodeURIComponent(match[1]) : fallback;
}

@Injectable({ providedIn: 'root' })
export class TracingApi {
  private readonly http = inject(HttpClient);

  page(filters: TraceFilters, page: number, pageSize: number): Observable<TracesPageResponse> {
    return this.http.get<TracesPageResponse>('/admin/traces', {
      params: toHttpParams({ ...filterParams(filters), page, pageSize }),
    });
  }

  get(id: string): Observable<TraceRecord> {
    return this.http.get<TraceResponse>(`/admin/traces/${encodeURIComponent(id)}`).pipe(map((body) => body.trace));
  }

  /**
   * Downloads through HttpClient (fetch) rather than a plain link, so the admin header is sent.
   * A server without the export route gets the listing pages assembled into JSON Lines instead.
   */
  export(filters: TraceFilters): Observable<TraceExport> {
    const fallbackName = `traces-${new Date().toISOString().slice(0, 19).replace(/[:T]/g, '-')}.jsonl`;
    return this.http
      .get('/admin/traces/export', {
        params: toHttpParams(filterParams(filters)),
        responseType: 'blob',
        observe: 'response',
      })
      .pipe(
        map((response) => ({ blob: response.body ?? new Blob([]), filename: filenameFrom(response, fallbackName) })),
        catchError((error: unknown) =>
          error instanceof HttpErrorResponse && error.status === 404
            ? this.exportFromPages(filters, fallbackName)
            : throwError(() => error),
        ),
      );
  }

  private exportFromPages(filters: TraceFilters, filename: string): Observable<TraceExport> {
    return this.page(filters, 1, MAX_PAGE_SIZE).pipe(
      expand((reply) =>
        reply.pagination.hasNext ? this.page(filters, reply.pagination.page + 1, MAX_PAGE_SIZE) : EMPTY,
      ),
      reduce((all: TraceSummary[], reply) => all.concat(reply.traces), []),
      map((traces) => ({
        blob: new Blob([traces.map((trace) => JSON.stringify(trace)).join('\n') + (traces.length ? '\n' : '')], {
          type: 'application/x-ndjson',
        }),
        filename,
      })),
    );
  }
}
