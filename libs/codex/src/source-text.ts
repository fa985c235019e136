/**
 * The client's request text beside its parse, so the upstream body reuses the client's own text for every value
 * normalisation left as it was. Issue 20: for a Codex CLI turn, `JSON.stringify` of the 30 KB instructions string
 * alone cost more than `JSON.parse` of the whole 40 KB body, and a long conversation's `input` grows with each turn
 * while nearly all of its items travel unchanged.
 *
 * A value is reused only when it is the very value the parse produced (same object, or same primitive), so anything
 * normalisation replaced, added or copied is serialised as before. Reused text is the client's own spelling of that
 * value: whitespace, escapes and number forms may differ from JSON.stringify's, the value does not, except where our
 * parse could not keep it either (a number beyond a double's range, a member name repeated inside a nested object):
 * there upstream now reads what the client wrote. Nothing may change a parsed object in place for this to hold:
 * normalisation and reference expansion copy.
 */
import type { JsonObject } from './json';
import {
  CLOSE_BRACE,
  CLOSE_BRACKET,
  COLON,
  COMMA,
  OPEN_BRACE,
  OPEN_BRACKET,
  QUOTE,
  skipWhitespace,
  stringEnd,
  valueEnd,
} from './json-scan';

/** Below this size JSON.stringify costs no more than mapping the text (measured: 6 µs either way for 60 bytes). */
const SOURCE_MIN_LENGTH = 4096;

interface Span {
  start: number;
  end: number;
}

/** Where the top-level members' values sit in the text, and (mapped when first asked) the objects of an array's. */
interface SourceMap {
  members: Map<string, Span>;
  elements: Map<string, Map<object, Span> | null>;
}

/** A JSON object's text and the object `JSON.parse` made of it; mapped on first use, once. */
export class SourceText {
  private mapped: SourceMap | null | undefined;

  constructor(
    readonly text: string,
    readonly parsed: JsonObject,
  ) {}

  /** Undefined when the text is not shaped as the parse says (then nothing is reused). */
  map(): SourceMap | undefined {
    if (this.mapped === undefined) this.mapped = mapSource(this.text) ?? null;
    return this.mapped ?? undefined;
  }
}

/**
 * `JSON.stringify(body)` as UTF-8 bytes (same members, same order, same values), with the client's text for each
 * top-level value, and each object of a replaced top-level array, that is still the one parsed from `source`. The
 * pieces are written straight into one Buffer: joining them first would copy the text twice more.
 */
export function stringifyWithSource(body: JsonObject, source: SourceText | undefined): Buffer {
  const map = source !== undefined && source.text.length >= SOURCE_MIN_LENGTH ? source.map() : undefined;
  if (source === undefined || map === undefined) return Buffer.from(JSON.stringify(body), 'utf8');
  const pieces: string[] = [];
  for (const key of Object.keys(body)) {
    const text = valueText(body[key], key, source, map);
    if (text === undefined) continue;
    pieces.push(pieces.length === 0 ? `{${JSON.stringify(key)}:` : `,${JSON.stringify(key)}:`);
    pieces.push(text);
  }
  pieces.push(pieces.length === 0 ? '{}' : '}');
  let size = 0;
  for (const piece of pieces) size += Buffer.byteLength(piece, 'utf8');
  const out = Buffer.allocUnsafe(size);
  let at = 0;
  for (const piece of pieces) at += out.write(piece, at, 'utf8');
  // byteLength and write agree on every string (lone surrogates included); were they ever not to, no byte of the
  // uninitialised buffer may travel upstream.
  return at === size ? out : Buffer.from(pieces.join(''), 'utf8');
}

function valueText(value: unknown, key: string, source: SourceText, map: SourceMap): string | undefined {
  const span = map.members.get(key);
  if (span !== undefined && Object.is(source.parsed[key], value)) return source.text.slice(span.start, span.end);
  // A replaced array (normalisation maps `input`) whose items may still be the parsed ones.
  const elements = span !== undefined && Array.isArray(value) ? elementsOf(source, map, key, span) : undefined;
  if (elements !== undefined) return arrayText(value as unknown[], elements, source.text);
  // Undefined for an undefined value: JSON.stringify leaves such a member out.
  return JSON.stringify(value) as string | undefined;
}

function arrayText(value: readonly unknown[], elements: Map<object, Span>, text: string): string {
  const texts = value.map((element) => {
    const at = isObject(element) ? elements.get(element) : undefined;
    // JSON.stringify writes an array's undefined (or function) element as null.
    return at !== undefined ? text.slice(at.start, at.end) : (JSON.stringify(element) ?? 'null');
  });
  return `[${texts.join(',')}]`;
}

function elementsOf(source: SourceText, map: SourceMap, key: string, span: Span): Map<object, Span> | undefined {
  let elements = map.elements.get(key);
  if (elements === undefined) {
    const parsed = source.parsed[key];
    elements = Array.isArray(parsed) ? mapElements(source.text, span, parsed) : null;
    map.elements.set(key, elements);
  }
  return elements ?? undefined;
}

function isObject(value: unknown): value is object {
  return typeof value === 'object' && value !== null;
}

function mapSource(text: string): SourceMap | undefined {
  const members = new Map<string, Span>();
  let at = skipWhitespace(text, 0);
  if (text.charCodeAt(at) !== OPEN_BRACE) return undefined;
  at = skipWhitespace(text, at + 1);
  while (text.charCodeAt(at) !== CLOSE_BRACE) {
    if (text.charCodeAt(at) !== QUOTE) return undefined;
    const keyEnd = stringEnd(text, at);
    if (keyEnd < 0) return undefined;
    const key = memberName(text, at, keyEnd);
    at = skipWhitespace(text, keyEnd);
    if (text.charCodeAt(at) !== COLON) return undefined;
    const start = skipWhitespace(text, at + 1);
    const end = valueEnd(text, start);
    if (end <= start) return undefined;
    // A repeated name: the parse kept the last one, and so does the map.
    members.set(key, { start, end });
    at = nextItem(text, end, CLOSE_BRACE);
    if (at < 0) return undefined;
  }
  return { members, elements: new Map() };
}

/** The name as the parse read it: escapes are rare in member names, so only those go through JSON.parse. */
function memberName(text: string, start: number, end: number): string {
  const raw = text.slice(start + 1, end - 1);
  return raw.includes('\\') ? (JSON.parse(text.slice(start, end)) as string) : raw;
}

/** After an item that ends at `end`: where the next one starts, or the container's `close`; -1 for anything else. */
function nextItem(text: string, end: number, close: number): number {
  const at = skipWhitespace(text, end);
  if (text.charCodeAt(at) === COMMA) return skipWhitespace(text, at + 1);
  return text.charCodeAt(at) === close ? at : -1;
}

/** Each object element of the array at `span`, by identity; null when the text does not match the parse. */
function mapElements(text: string, span: Span, value: readonly unknown[]): Map<object, Span> | null {
  if (text.charCodeAt(span.start) !== OPEN_BRACKET) return null;
  const spans: Span[] = [];
  let at = skipWhitespace(text, span.start + 1);
  while (text.charCodeAt(at) !== CLOSE_BRACKET && at < span.end) {
    const end = valueEnd(text, at);
    if (end <= at) return null;
    spans.push({ start: at, end });
    at = nextItem(text, end, CLOSE_BRACKET);
    if (at < 0) return null;
  }
  if (spans.length !== value.length) return null;
  const elements = new Map<object, Span>();
  value.forEach((element, i) => {
    if (isObject(element)) elements.set(element, spans[i] as Span);
  });
  return elements;
}
