import { isRecord, type JsonObject } from './json';

/** The event JSON, whether the caller holds it directly or the parser's `{type, data, raw}` wrapper. */
export function eventData(event: unknown): JsonObject | undefined {
  if (!isRecord(event)) return undefined;
  const data = event['data'];
  if (isRecord(data) && typeof event['raw'] === 'string') return data;
  if (isRecord(data) && typeof event['type'] === 'string' && data['type'] === event['type']) return data;
  return event;
}

/** The `response` envelope of a lifecycle event, if any. */
export function responseOf(data: JsonObject): JsonObject | undefined {
  const response = data['response'];
  return isRecord(response) ? response : undefined;
}

export function indexOf(data: JsonObject, key: 'output_index' | 'content_index'): number | undefined {
  const value = data[key];
  return typeof value === 'number' && Number.isInteger(value) && value >= 0 ? value : undefined;
}

export function stringField(data: JsonObject | undefined, key: string): string | undefined {
  const value = data?.[key];
  return typeof value === 'string' ? value : undefined;
}

/** Streamed text is authoritative; a full text only supplies a suffix not yet seen, never repeats (§3.5). */
export function withSuffix(streamed: string, full: string | undefined): string {
  if (full === undefined || full === streamed) return streamed;
  if (streamed === '' || full.startsWith(streamed)) return full;
  return streamed;
}

/** The part of `full` that `streamed` has not covered yet ('' when nothing is missing or the texts diverged). */
export function missingSuffix(streamed: string, full: string | undefined): string {
  if (full === undefined || full.length <= streamed.length || !full.startsWith(streamed)) return '';
  return full.slice(streamed.length);
}
