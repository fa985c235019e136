import type { QueryValue } from '../core/query';

export type TimeRangeId = 'all' | '1h' | '24h' | '7d' | '30d';

export const TIME_RANGES: readonly { id: TimeRangeId; label: string; spanMs: number | null }[] = [
  { id: '1h', label: 'Last hour', spanMs: 3_600_000 },
  { id: '24h', label: 'Last 24 hours', spanMs: 86_400_000 },
  { id: '7d', label: 'Last 7 days', spanMs: 7 * 86_400_000 },
  { id: '30d', label: 'Last 30 days', spanMs: 30 * 86_400_000 },
  { id: 'all', label: 'All retained', spanMs: null },
];

export const KNOWN_ROUTES: readonly string[] = [
  '/v1/chat/completions',
  '/v1/responses',
  '/v1/responses/compact',
  '/v1/models',
];

/** What the filter bar holds; empty strings mean "any". */
export interface TraceFilterForm {
  range: TimeRangeId;
  accountId: string;
  route: string;
  model: string;
  errorsOnly: boolean;
}

export const EMPTY_FILTERS: TraceFilterForm = { range: '24h', accountId: '', route: '', model: '', errorsOnly: false };

/** The query parameters of GET /admin/traces (PROTOCOL §11.4), shared by the listing and the export. */
export interface TraceFilters {
  sinceMs?: number;
  untilMs?: number;
  accountId?: string;
  route?: string;
  model?: string;
  isError?: boolean;
}

export function toTraceFilters(form: TraceFilterForm, now: number): TraceFilters {
  const span = TIME_RANGES.find((r) => r.id === form.range)?.spanMs ?? null;
  const filters: TraceFilters = {};
  if (span !== null) filters.sinceMs = now - span;
  if (form.accountId) filters.accountId = form.accountId;
  if (form.route) filters.route = form.route;
  if (form.model.trim()) filters.model = form.model.trim();
  if (form.errorsOnly) filters.isError = true;
  return filters;
}

export function filterParams(filters: TraceFilters): Record<string, QueryValue> {
  return { ...filters };
}

/** Filters the user changed from the page's defaults (the default 24 h range is not one). */
export function activeFilterCount(form: TraceFilterForm): number {
  return [
    form.range !== EMPTY_FILTERS.range,
    form.accountId !== '',
    form.route !== '',
    form.model.trim() !== '',
    form.errorsOnly,
  ].filter(Boolean).length;
}
