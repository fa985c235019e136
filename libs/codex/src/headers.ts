/** Response headers as undici's `request` gives them (a record) or as fetch gives them (`get`). */
export type HeaderSource =
  Record<string, string | string[] | number | undefined> | { get(name: string): string | null | undefined };

export type HeaderGetter = (name: string) => string | undefined;

function hasGet(source: HeaderSource): source is { get(name: string): string | null | undefined } {
  return typeof (source as { get?: unknown }).get === 'function';
}

/** A case-insensitive getter; repeated headers read as their first value; empty values read as undefined. */
export function headerGetter(source: HeaderSource | undefined): HeaderGetter {
  if (source === undefined || source === null) return () => undefined;
  if (hasGet(source)) {
    return (name) => {
      const value = source.get(name);
      return value === null || value === undefined || value.trim() === '' ? undefined : value.trim();
    };
  }
  const lower = new Map<string, string>();
  for (const [key, raw] of Object.entries(source)) {
    const value = Array.isArray(raw) ? raw[0] : raw;
    if (value !== undefined && String(value).trim() !== '') lower.set(key.toLowerCase(), String(value).trim());
  }
  return (name) => lower.get(name.toLowerCase());
}

/** `Retry-After` as milliseconds: delta-seconds or an HTTP date. Undefined when absent, unparsable or past. */
export function parseRetryAfter(value: string | undefined, now: number): number | undefined {
  if (value === undefined) return undefined;
  if (/^\d+(\.\d+)?$/.test(value)) return Math.round(Number(value) * 1000);
  const at = Date.parse(value);
  if (Number.isNaN(at) || at <= now) return undefined;
  return at - now;
}
