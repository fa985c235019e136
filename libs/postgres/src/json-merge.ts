// Three-way merge of JSON documents: what lets several replicas write the same row without one
// replica's stale copy undoing another's change (a block set on A, a timestamp bumped on B).

type Json = unknown;

function isPlainObject(value: Json): value is Record<string, Json> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Deep equality with JSON semantics: a key holding `undefined` counts as absent. */
export function sameJson(a: Json, b: Json): boolean {
  if (a === b) return true;
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
    return a.every((item, i) => sameJson(item, b[i]));
  }
  if (!isPlainObject(a) || !isPlainObject(b)) return false;
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  for (const key of keys) if (!sameJson(a[key], b[key])) return false;
  return true;
}

/**
 * Merges `mine` and `theirs`, two edits of `base`, object key by object key: a key only one side
 * changed takes that side's value; a key both changed (or any non-object value, arrays included)
 * takes `mine`, the write being made now. `undefined` means absent.
 */
export function merge3<T>(base: T | undefined, mine: T | undefined, theirs: T | undefined): T | undefined {
  if (sameJson(mine, base)) return theirs;
  if (sameJson(theirs, base) || sameJson(theirs, mine)) return mine;
  if (!isPlainObject(mine) || !isPlainObject(theirs)) return mine;
  const from: Record<string, Json> = isPlainObject(base) ? base : {};
  const merged: Record<string, Json> = {};
  for (const key of new Set([...Object.keys(mine), ...Object.keys(theirs)])) {
    const value = merge3(from[key], mine[key], theirs[key]);
    if (value !== undefined) merged[key] = value;
  }
  return merged as T;
}

/**
 * JSON text PostgreSQL accepts: jsonb refuses the NUL character (`\u0000`), which a hostile label or
 * request body may carry, so it becomes U+FFFD instead of failing the whole write.
 */
export function toJsonb(value: Json): string {
  return JSON.stringify(value, (_key, item: Json) =>
    typeof item === 'string' && item.includes('\u0000') ? item.replaceAll('\u0000', '\uFFFD') : item,
  );
}

/** The same for a text column. */
export function toPgText(value: string): string;
export function toPgText(value: string | null | undefined): string | null;
export function toPgText(value: string | null | undefined): string | null {
  if (value === null || value === undefined) return null;
  return value.includes('\u0000') ? value.replaceAll('\u0000', '\uFFFD') : value;
}
