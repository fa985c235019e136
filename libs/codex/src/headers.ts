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
  return lowercaseNames(source) ? directGetter(source) : indexedGetter(source);
}

type HeaderRecord = Record<string, string | string[] | number | undefined>;

const hasOwn = Object.prototype.hasOwnProperty;

/** True when every name is already lower case, as undici and node:http hand them over. */
function lowercaseNames(source: HeaderRecord): boolean {
  for (const key of Object.keys(source)) if (key.toLowerCase() !== key) return false;
  return true;
}

/**
 * Reads a record whose names are all lower case in place: every upstream response and client request passes here
 * and reads a handful of names, so indexing all of its headers first cost more than the reads.
 */
function directGetter(source: HeaderRecord): HeaderGetter {
  return (name) => {
    const key = name.toLowerCase();
    return hasOwn.call(source, key) ? headerText(source[key]) : undefined;
  };
}

/** Other spellings (hand-made records): indexed once by lower-cased name; of two spellings, the later one wins. */
function indexedGetter(source: HeaderRecord): HeaderGetter {
  const lower = new Map<string, string>();
  for (const [key, raw] of Object.entries(source)) {
    const value = headerText(raw);
    if (value !== undefined) lower.set(key.toLowerCase(), value);
  }
  return (name) => lower.get(name.toLowerCase());
}

function headerText(raw: string | string[] | number | undefined): string | undefined {
  const value = Array.isArray(raw) ? raw[0] : raw;
  if (value === undefined) return undefined;
  const text = String(value).trim();
  return text === '' ? undefined : text;
}

/** `Retry-After` as milliseconds: delta-seconds or an HTTP date. Undefined when absent, unparsable or past. */
export function parseRetryAfter(value: string | undefined, now: number): number | undefined {
  if (value === undefined) return undefined;
  if (/^\d+(\.\d+)?$/.test(value)) return Math.round(Number(value) * 1000);
  const at = Date.parse(value);
  if (Number.isNaN(at) || at <= now) return undefined;
  return at - now;
}
