// Structural scanning of JSON text that JSON.parse has already accepted (or that the caller checks afterwards):
// where a string or a value ends, found by jumping from quote to quote with indexOf rather than by reading every
// character, since most of a Codex request or echo is string content.

export const QUOTE = 0x22;
export const BACKSLASH = 0x5c;
export const COMMA = 0x2c;
export const COLON = 0x3a;
export const OPEN_BRACE = 0x7b;
export const OPEN_BRACKET = 0x5b;
export const CLOSE_BRACE = 0x7d;
export const CLOSE_BRACKET = 0x5d;

/** The index just past the string that opens at `start` (a `"`), or -1 when it never closes. */
export function stringEnd(text: string, start: number): number {
  let at = start + 1;
  for (;;) {
    const quote = text.indexOf('"', at);
    if (quote < 0) return -1;
    let slashes = 0;
    while (text.charCodeAt(quote - 1 - slashes) === BACKSLASH) slashes += 1;
    if (slashes % 2 === 0) return quote + 1;
    at = quote + 1;
  }
}

/**
 * The index just past the value that starts at `start` (any JSON value), or -1 when the text ends first. A number,
 * `true`, `false` or `null` ends at the `,`, `}` or `]` after it, so its span may hold trailing whitespace.
 */
export function valueEnd(text: string, start: number): number {
  let depth = 0;
  let at = start;
  while (at < text.length) {
    const c = text.charCodeAt(at);
    if (c === QUOTE) {
      at = stringEnd(text, at);
      if (at < 0) return -1;
      if (depth === 0) return at;
      continue;
    }
    if (c === OPEN_BRACE || c === OPEN_BRACKET) depth += 1;
    else if (c === CLOSE_BRACE || c === CLOSE_BRACKET) {
      if (depth === 0) return at;
      depth -= 1;
      if (depth === 0) return at + 1;
    } else if (depth === 0 && c === COMMA) return at;
    at += 1;
  }
  return depth === 0 ? at : -1;
}

/** The index of the first character at or after `at` that is not JSON whitespace (space, tab, CR, LF). */
export function skipWhitespace(text: string, at: number): number {
  for (;;) {
    const c = text.charCodeAt(at);
    if (c !== 0x20 && c !== 0x0a && c !== 0x0d && c !== 0x09) return at;
    at += 1;
  }
}
