import { isRecord } from './json';

/** Keys whose values are credentials; they never reach a trace (PROTOCOL.md conventions). */
const SECRET_KEY =
  /^(authorization|cookie|set-cookie|x-api-key|api[-_]?key|access[-_]?token|refresh[-_]?token|id[-_]?token|client[-_]?secret|code[-_]?verifier|password|secret)$/i;

const DATA_URL = /^data:([^;,]*)((?:;[^;,]*)*),/;
const MAX_DEPTH = 64;

/** Size of a base64 payload in bytes, without decoding it. */
function base64Bytes(payload: string): number {
  const clean = payload.replace(/\s/g, '');
  const padding = clean.endsWith('==') ? 2 : clean.endsWith('=') ? 1 : 0;
  return Math.max(0, Math.floor((clean.length * 3) / 4) - padding);
}

/** `data:image/png;base64,…` → `<data:image/png;base64, 123456 bytes>` (§10.4). */
export function redactDataUrl(value: string): string {
  const match = DATA_URL.exec(value);
  if (!match) return value;
  const payload = value.slice(match[0].length);
  const isBase64 = /;base64$/i.test(match[2] ?? '');
  const bytes = isBase64 ? base64Bytes(payload) : Buffer.byteLength(payload, 'utf8');
  return `<data:${match[1] ?? ''}${isBase64 ? ';base64' : ''}, ${bytes} bytes>`;
}

/** Object members the walk went through: what a trace compares with the members its JSON text spells out. */
interface Tally {
  members: number;
}

function redactValue(value: unknown, depth: number, tally: Tally): unknown {
  if (typeof value === 'string') return value.startsWith('data:') ? redactDataUrl(value) : value;
  if (depth >= MAX_DEPTH || typeof value !== 'object' || value === null) return value;
  if (Array.isArray(value)) return redactArray(value, depth, tally);
  return isRecord(value) ? redactObject(value, depth, tally) : value;
}

/** The array itself when no element changes; a copy from the first element that does. */
function redactArray(value: unknown[], depth: number, tally: Tally): unknown[] {
  let out: unknown[] | undefined;
  for (let i = 0; i < value.length; i++) {
    const item = value[i];
    const redacted = redactValue(item, depth + 1, tally);
    if (out === undefined && redacted !== item) out = value.slice(0, i);
    out?.push(redacted);
  }
  return out ?? value;
}

/** The object itself when nothing in it is redacted; a copy from the first key that is. */
function redactObject(value: Record<string, unknown>, depth: number, tally: Tally): Record<string, unknown> {
  let out: Record<string, unknown> | undefined;
  const keys = Object.keys(value);
  tally.members += keys.length;
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i] as string;
    const item = value[key];
    const secret = SECRET_KEY.test(key);
    const redacted = secret
      ? undefined
      : key === 'data'
        ? redactBase64Source(value, item, depth, tally)
        : redactValue(item, depth + 1, tally);
    if (out === undefined && (secret || redacted !== item)) out = copyKeys(value, keys, i);
    if (out !== undefined && !secret) out[key] = redacted;
  }
  return out ?? value;
}

/** Anthropic's `{type:"base64", media_type, data}` image/document sources are summarised like data URLs. */
function redactBase64Source(source: Record<string, unknown>, data: unknown, depth: number, tally: Tally): unknown {
  if (source['type'] !== 'base64' || typeof data !== 'string') return redactValue(data, depth + 1, tally);
  const mediaType = typeof source['media_type'] === 'string' ? source['media_type'] : '';
  return `<data:${mediaType};base64, ${base64Bytes(data)} bytes>`;
}

/** A new object with the first `count` keys of `value`. */
function copyKeys(value: Record<string, unknown>, keys: string[], count: number): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (let i = 0; i < count; i++) out[keys[i] as string] = value[keys[i] as string];
  return out;
}

/**
 * A request body fit for a trace: data URLs summarised, credential-looking fields dropped. Only what changes is
 * copied: a body with nothing to redact comes back as is, so treat the result as read-only.
 */
export function redactBody<T>(body: T): T {
  return redactValue(body, 0, { members: 0 }) as T;
}

/** What a trace keeps of a request body: the client's own JSON text, or the redacted value when that differs. */
export type TraceBody = { text: string; value?: undefined } | { text?: undefined; value: unknown };

/**
 * redactBody for a trace, given the JSON text `body` was parsed from: when redaction changes nothing and the text
 * holds nothing the parse dropped, the text itself (so the trace need not serialise the body again). The parse
 * drops only members whose key repeats later in the same object, and such a member may hold a credential: the text
 * is kept only when it spells out exactly as many members as the walk went through.
 */
export function redactForTrace(body: unknown, text: string | undefined): TraceBody {
  const tally: Tally = { members: 0 };
  const value = redactValue(body, 0, tally);
  if (value === body && text !== undefined && countMembers(text) === tally.members) return { text };
  return { value };
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;

/**
 * Members in valid JSON text, counted as the colons right after a quote that is not escaped. Never fewer than the
 * text holds: every key ends so once no whitespace precedes a colon (else -1, wherever it is). It may count more (a
 * string value starting with ':'), which only costs the caller its shortcut.
 */
function countMembers(text: string): number {
  let members = 0;
  for (let at = text.indexOf(':'); at !== -1; at = text.indexOf(':', at + 1)) {
    const before = text.charCodeAt(at - 1);
    if (before !== QUOTE) {
      if (before === 0x20 || before === 0x09 || before === 0x0a || before === 0x0d) return -1;
      continue;
    }
    let slashes = 0;
    while (text.charCodeAt(at - 2 - slashes) === BACKSLASH) slashes += 1;
    if (slashes % 2 === 0) members += 1;
  }
  return members;
}
