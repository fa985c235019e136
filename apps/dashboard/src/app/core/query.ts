import { HttpParams } from '@angular/common/http';

export type QueryValue = string | number | boolean | null | undefined;

/** Query parameters without the empty ones: an absent filter must not be sent as `?model=`. */
export function toHttpParams(query: Record<string, QueryValue>): HttpParams {
  let params = new HttpParams();
  for (const [key, value] of Object.entries(query)) {
    if (value === null || value === undefined || value === '') continue;
    params = params.set(key, String(value));
  }
  return params;
}

export function toQueryString(query: Record<string, QueryValue>): string {
  const text = toHttpParams(query).toString();
  return text === '' ? '' : `?${text}`;
}
