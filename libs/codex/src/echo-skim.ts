/**
 * `response.created` and `response.in_progress` echo the whole request back (instructions, tools: 40 KB for a
 * Codex CLI turn), and nothing the gateway does reads those two fields from them: the relay forwards the raw text,
 * the accumulator keeps id/model/status/output/usage, the translators the id, model and creation time. Parsing
 * them whole cost a JSON parse (and the garbage) of the request's size per event. This cuts the echoed fields out
 * of the text first, with a scan that walks the JSON structure and copies nothing but the kept slices.
 */

/** Keys of the `response` object (second level of the event) that are echoed request and never read. */
const ECHOED_KEYS = new Set(['instructions', 'tools']);

/** Below this size an event is parsed whole: there is nothing worth cutting. */
const SKIM_MIN_LENGTH = 4096;

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const COLON = 0x3a;
const OPEN_BRACE = 0x7b;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACE = 0x7d;
const CLOSE_BRACKET = 0x5d;

/** The index just past the string that opens at `start` (a `"`), or -1 when it never closes. */
function stringEnd(text: string, start: number): number {
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

/** The index just past the value that starts at `start` (any JSON value), or -1 when the text ends first. */
function valueEnd(text: string, start: number): number {
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
