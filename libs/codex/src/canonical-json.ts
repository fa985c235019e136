/**
 * Whether a JSON text is exactly what `JSON.stringify(JSON.parse(text))` writes, checked without building the value:
 * an echo upstream sent in that form can be written back as it came instead of being parsed and serialised again.
 * Anything the round trip would change answers false (the caller then does the round trip): whitespace between
 * tokens, an escape JSON.stringify spells otherwise (`\/`, `\u0041`, `\u000a`, upper-case hex, escaped surrogates),
 * a number written another way (`1.0`, `1e2`, `-0`), two members of one name (the parse keeps one), member names
 * that are array indices (an object lists them first), lone surrogates, invalid JSON.
 */

const QUOTE = 0x22;
const COMMA = 0x2c;
const COLON = 0x3a;
const MINUS = 0x2d;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;

/** Deeper nesting is checked the slow way rather than by recursing further. */
const MAX_DEPTH = 64;

/** Past this many members an object's names are checked for repeats with a Set. */
const LINEAR_NAMES = 16;

const NUMBER = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?$/;
const DIGITS = /^\d+$/;
// eslint-disable-next-line no-control-regex -- control characters are what it looks for
const CONTROL = /[\x00-\x1f]/;

/** The single-character escapes JSON.stringify writes: `"` `\` b f n r t. */
const SHORT_ESCAPES = new Set([0x22, 0x5c, 0x62, 0x66, 0x6e, 0x72, 0x74]);

/** `\u00XX` as JSON.stringify writes it: lower-case hex, only for control characters without a short escape. */
const UNICODE_ESCAPE = /^u00[01][0-9a-f]$/;
const SHORT_ESCAPED_CONTROLS = new Set([0x08, 0x09, 0x0a, 0x0c, 0x0d]);

type WellFormed = string & { isWellFormed(): boolean };

export function isCanonicalJson(text: string): boolean {
  // No raw control character anywhere: JSON.stringify escapes them in strings and puts no whitespace between tokens.
  if (!(text as WellFormed).isWellFormed() || CONTROL.test(text)) return false;
  const scan = new CanonicalScan(text);
  return scan.value(0) && scan.at === text.length;
}

class CanonicalScan {
  at = 0;
  /** The next quote and backslash at or after where a string scan last looked (-1: none left, -2: not looked). */
  private quote = -2;
  private backslash = -2;

  constructor(private readonly text: string) {}

  value(depth: number): boolean {
    const c = this.text.charCodeAt(this.at);
    if (c === QUOTE) return this.string();
    if (c === OPEN_BRACE) return depth < MAX_DEPTH && this.object(depth + 1);
    if (c === OPEN_BRACKET) return depth < MAX_DEPTH && this.array(depth + 1);
    if (c === MINUS || isDigit(c)) return this.number();
    return this.literal('true') || this.literal('false') || this.literal('null');
  }

  /**
   * A string opening at `at`; `at` ends just past its closing quote. The next quote and backslash found are kept
   * until passed: a 30 KB string with hundreds of escapes would otherwise be searched to its end once per escape.
   */
  private string(): boolean {
    const text = this.text;
    let at = this.at + 1;
    for (;;) {
      if (this.quote !== -1 && this.quote < at) this.quote = text.indexOf('"', at);
      if (this.backslash !== -1 && this.backslash < at) this.backslash = text.indexOf('\\', at);
      const quote = this.quote;
      const backslash = this.backslash;
      if (quote < 0) return false;
      if (backslash < 0 || backslash > quote) {
        this.at = quote + 1;
        return true;
      }
      if (SHORT_ESCAPES.has(text.charCodeAt(backslash + 1))) at = backslash + 2;
      else if (canonicalUnicodeEscape(text, backslash + 1)) at = backslash + 6;
      else return false;
    }
  }

  private object(depth: number): boolean {
    this.at += 1;
    if (this.text.charCodeAt(this.at) === CLOSE_BRACE) {
      this.at += 1;
      return true;
    }
    const names: string[] = [];
    let seen: Set<string> | undefined;
    for (;;) {
      const start = this.at;
      if (this.text.charCodeAt(start) !== QUOTE || !this.string()) return false;
      // Canonical spellings are one per string, so equal names are equal texts.
      const name = this.text.slice(start + 1, this.at - 1);
      if (isDigit(name.charCodeAt(0)) && DIGITS.test(name)) return false;
      if (seen) {
        if (seen.has(name)) return false;
        seen.add(name);
      } else if (names.includes(name)) return false;
      else if (names.push(name) > LINEAR_NAMES) seen = new Set(names);
      if (this.text.charCodeAt(this.at) !== COLON) return false;
      this.at += 1;
      if (!this.value(depth)) return false;
      const next = this.text.charCodeAt(this.at);
      this.at += 1;
      if (next === CLOSE_BRACE) return true;
      if (next !== COMMA) return false;
    }
  }

  private array(depth: number): boolean {
    this.at += 1;
    if (this.text.charCodeAt(this.at) === CLOSE_BRACKET) {
      this.at += 1;
      return true;
    }
    for (;;) {
      if (!this.value(depth)) return false;
      const next = this.text.charCodeAt(this.at);
      this.at += 1;
      if (next === CLOSE_BRACKET) return true;
      if (next !== COMMA) return false;
    }
  }

  private number(): boolean {
    const start = this.at;
    let at = start;
    for (;;) {
      const c = this.text.charCodeAt(at);
      // Digits, `-`, `+`, `.`, `e`, `E`: the grammar is checked on the slice.
      if (isDigit(c) || c === MINUS || c === 0x2b || c === 0x2e || c === 0x65 || c === 0x45) at += 1;
      else break;
    }
    const token = this.text.slice(start, at);
    this.at = at;
    return NUMBER.test(token) && String(Number(token)) === token;
  }

  private literal(word: string): boolean {
    if (!this.text.startsWith(word, this.at)) return false;
    this.at += word.length;
    return true;
  }
}

/** `uXXXX` at `at` (after the backslash) is how JSON.stringify escapes that character. */
function canonicalUnicodeEscape(text: string, at: number): boolean {
  const escape = text.slice(at, at + 5);
  return UNICODE_ESCAPE.test(escape) && !SHORT_ESCAPED_CONTROLS.has(parseInt(escape.slice(3), 16));
}

function isDigit(c: number): boolean {
  return c >= 0x30 && c <= 0x39;
}
