/**
 * `response.created` and `response.in_progress` echo the whole request back (instructions, tools: 40 KB for a
 * Codex CLI turn), and nothing the gateway does reads those two fields from them: the relay forwards the raw text,
 * the accumulator keeps id/model/status/output/usage, the translators the id, model and creation time. Parsing
 * them whole cost a JSON parse (and the garbage) of the request's size per event. This cuts the echoed fields out
 * of the text first, with a scan that walks the JSON structure and copies nothing but the kept slices.
 *
 * The terminal events echo the request too, and there the echo is part of the answer a native non-streaming client
 * gets (and of a rebuilt terminal event): `withHeldEcho` keeps the fields in place but parses them only when read,
 * and `stringifyPatched` writes them back as they came when JSON.stringify would write that very text.
 */

/** Keys of the `response` object (second level of the event) that are echoed request and never read. */
const ECHOED_KEYS = new Set(['instructions', 'tools']);

/** Below this size an event is parsed whole: there is nothing worth cutting. */
const SKIM_MIN_LENGTH = 4096;

import { isCanonicalJson } from './canonical-json';
import { isRecord, tryParseJson, type JsonObject } from './json';
import {
  CLOSE_BRACE,
  CLOSE_BRACKET,
  COLON,
  COMMA,
  OPEN_BRACE,
  OPEN_BRACKET,
  QUOTE,
  stringEnd,
  valueEnd,
} from './json-scan';

/**
 * The event's text without the echoed request fields of its second-level objects, or undefined when the text is
 * small, has none, or is not shaped as expected (the caller then parses the original).
 */
export function withoutEchoedRequest(raw: string): string | undefined {
  if (raw.length < SKIM_MIN_LENGTH) return undefined;
  const kept: string[] = [];
  let from = 0;
  let depth = 0;
  let at = 0;
  // After `{` or `,` at depth 2 the next string is a key; `keyAt` is where its member (comma included) begins.
  let expectKey = false;
  let keyAt = 0;
  while (at < raw.length) {
    const c = raw.charCodeAt(at);
    if (c === QUOTE) {
      const end = stringEnd(raw, at);
      if (end < 0) return undefined;
      if (expectKey && depth === 2 && raw.charCodeAt(end) === COLON && ECHOED_KEYS.has(raw.slice(at + 1, end - 1))) {
        const skipTo = valueEnd(raw, end + 1);
        if (skipTo < 0) return undefined;
        // `{"a":1,"tools":[…],"b":2}` → `{"a":1,"b":2}`; a first member takes its trailing comma instead, and the
        // member after it becomes the first.
        kept.push(raw.slice(from, keyAt));
        const first = raw.charCodeAt(keyAt) !== COMMA;
        if (first && raw.charCodeAt(skipTo) === COMMA) {
          from = at = keyAt = skipTo + 1;
          expectKey = true;
        } else {
          from = at = skipTo;
          expectKey = false;
        }
        continue;
      }
      expectKey = false;
      at = end;
      continue;
    }
    if (c === OPEN_BRACE || c === OPEN_BRACKET) {
      depth += 1;
      expectKey = c === OPEN_BRACE && depth === 2;
      keyAt = at + 1;
    } else if (c === CLOSE_BRACE || c === CLOSE_BRACKET) depth -= 1;
    else if (c === COMMA && depth === 2) {
      expectKey = true;
      keyAt = at;
    }
    at += 1;
  }
  if (kept.length === 0) return undefined;
  kept.push(raw.slice(from));
  return kept.join('');
}

/** An echoed member of the terminal `response` object, its value still as text. */
export interface HeldEcho {
  key: string;
  raw: string;
}

/**
 * The event's text with the echoed members of its top-level `response` object set to `null`, and their values as
 * text; undefined when the text is small, has none, or is not shaped as expected (the caller then parses it whole).
 */
export function withHeldEcho(raw: string): { text: string; held: HeldEcho[] } | undefined {
  if (raw.length < SKIM_MIN_LENGTH) return undefined;
  const kept: string[] = [];
  const held: HeldEcho[] = [];
  let from = 0;
  let depth = 0;
  let at = 0;
  let expectKey = false;
  // The last member name read at depth 1, and whether the object at depth 2 is that of `response`.
  let member = '';
  let responses = 0;
  let inResponse = false;
  while (at < raw.length) {
    const c = raw.charCodeAt(at);
    if (c === QUOTE) {
      const end = stringEnd(raw, at);
      if (end < 0) return undefined;
      const isKey = expectKey && raw.charCodeAt(end) === COLON;
      // A member name the scan cannot place (spaces before its colon) would leave `member` stale: parse it all.
      if (expectKey && !isKey && depth === 1) return undefined;
      expectKey = false;
      if (isKey && depth === 1) {
        member = raw.slice(at + 1, end - 1);
        // JSON.parse keeps the last of two `response` members: which one the placeholders went to is unclear.
        if (member === 'response' && ++responses > 1) return undefined;
      } else if (isKey && depth === 2 && inResponse && ECHOED_KEYS.has(raw.slice(at + 1, end - 1))) {
        const valueAt = end + 1;
        const skipTo = valueEnd(raw, valueAt);
        if (skipTo < 0) return undefined;
        kept.push(raw.slice(from, valueAt), 'null');
        held.push({ key: raw.slice(at + 1, end - 1), raw: raw.slice(valueAt, skipTo) });
        from = at = skipTo;
        continue;
      }
      at = end;
      continue;
    }
    if (c === OPEN_BRACE || c === OPEN_BRACKET) {
      depth += 1;
      expectKey = c === OPEN_BRACE && depth <= 2;
      if (depth === 2) inResponse = c === OPEN_BRACE && member === 'response';
    } else if (c === CLOSE_BRACE || c === CLOSE_BRACKET) depth -= 1;
    else if (c === COMMA && depth <= 2) expectKey = true;
    at += 1;
  }
  if (held.length === 0) return undefined;
  kept.push(raw.slice(from));
  return { text: kept.join(''), held };
}

/** Where a terminal `response` object keeps the text of its echoed members until they are read. */
const HELD_TEXT = Symbol('heldEchoText');

type Holder = JsonObject & { [HELD_TEXT]?: Record<string, string> };

/** Turns an accessor back into a plain member holding `value`, in the same place. */
function settle(target: JsonObject, key: string, value: unknown): unknown {
  // Reflect: a frozen object (nothing freezes events today) keeps answering through the getter instead of throwing.
  Reflect.defineProperty(target, key, { value, writable: true, enumerable: true, configurable: true });
  return value;
}

/**
 * One getter and setter per echoed name, shared by every terminal event: a pair made per event (closures over its
 * text) gave each response object its own hidden class, which V8 allocates in old space, and the full collections
 * that cost outweighed the parse saved.
 */
const LATE_MEMBERS = new Map(
  [...ECHOED_KEYS].map((key) => [
    key,
    {
      get(this: Holder): unknown {
        const text = this[HELD_TEXT]?.[key];
        return settle(this, key, text === undefined ? null : (tryParseJson(text) ?? null));
      },
      set(this: Holder, value: unknown): void {
        settle(this, key, value);
      },
    },
  ]),
);

/**
 * Turns the `null` placeholders withHeldEcho left in the event's `response` into members that parse their text when
 * first read (JSON.stringify, a spread or a plain read all see the value) and then hold it. They keep their place, so
 * a serialised answer is the same text as after a whole parse; Chat and Messages answers never read them. False (the
 * caller then parses the whole text) when the placeholders are not where they should be. An echo that does not parse
 * (a whole parse would have refused the event) reads as null.
 */
export function holdEcho(data: JsonObject, held: readonly HeldEcho[]): boolean {
  const response = data['response'];
  if (!isRecord(response)) return false;
  const texts: Record<string, string> = {};
  for (const { key, raw } of held) {
    if (!Object.prototype.hasOwnProperty.call(response, key) || response[key] !== null) return false;
    // Of two members with one name, JSON keeps the place of the first and the value of the last.
    texts[key] = raw;
  }
  Object.defineProperty(response, HELD_TEXT, { value: texts });
  for (const key of Object.keys(texts)) {
    const accessors = LATE_MEMBERS.get(key);
    if (accessors) Object.defineProperty(response, key, { ...accessors, enumerable: true, configurable: true });
  }
  return true;
}

/** JSON text to write as it is in a `stringifyPatched` change (already what JSON.stringify would write). */
export class JsonText {
  constructor(readonly json: string) {}
}

const hasOwn = (target: object, key: string): boolean => Object.prototype.hasOwnProperty.call(target, key);

/**
 * `JSON.stringify({ ...source, ...changes })`, the same text, without parsing the echo `source` still holds: a held
 * member is written as upstream sent it when that is the text the parse and serialisation would give (else it is
 * read, so parsed, as any member). Members keep their places: those of `source` first, a change in the place of the
 * member it replaces, new ones after. A JsonText change is written as it is.
 */
export function stringifyPatched(source: JsonObject, changes: JsonObject): string {
  const texts = (source as Holder)[HELD_TEXT];
  const members: string[] = [];
  const write = (key: string, json: string | undefined): void => {
    // JSON.stringify leaves out members whose value it cannot write (undefined, functions, symbols).
    if (json !== undefined) members.push(`${JSON.stringify(key)}:${json}`);
  };
  for (const key of Object.keys(source)) {
    const text = texts !== undefined && hasOwn(texts, key) ? texts[key] : undefined;
    if (hasOwn(changes, key)) write(key, changeJson(changes[key]));
    else if (text !== undefined && isHeld(source, key)) write(key, heldJson(source, key, text));
    else write(key, JSON.stringify(source[key]));
  }
  for (const key of Object.keys(changes)) if (!hasOwn(source, key)) write(key, changeJson(changes[key]));
  return `{${members.join(',')}}`;
}

function changeJson(value: unknown): string | undefined {
  return value instanceof JsonText ? value.json : JSON.stringify(value);
}

/** The member is still the accessor holdEcho set: not read (so not replaced) since. */
function isHeld(source: JsonObject, key: string): boolean {
  return Object.getOwnPropertyDescriptor(source, key)?.get !== undefined;
}

function heldJson(source: JsonObject, key: string, text: string): string | undefined {
  return isCanonicalJson(text) ? text : JSON.stringify(source[key]);
}
