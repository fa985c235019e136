import type { TraceRecord } from '@mcp/contracts';
import type { LinePlace } from '@mcp/storage';

/**
 * A trace's `requestBody` held as JSON text: the client's own (already validated) text when redaction changed
 * nothing. It is written into the trace line as is, never parsed and serialised again.
 */
export class JsonText {
  constructor(readonly text: string) {}
}

/**
 * A trace as stored: the record without its body; when it has one, the trace's own JSON line (the body is read
 * back from it), in memory until the file holds it, then only where the file holds it.
 */
export interface StoredTrace {
  /** Every field but `requestBody`. */
  readonly record: TraceRecord;
  /** The full trace as one JSON line (UTF-8, no newline). */
  line: Buffer | undefined;
  /** Where the file holds that line. */
  place: LinePlace | undefined;
}

export function hasBody(stored: StoredTrace): boolean {
  return stored.line !== undefined || stored.place !== undefined;
}

const BODY_KEY = ',"requestBody":';
const NEWLINE = 0x0a;
const CLOSE_BRACE = 0x7d;
const CARRIAGE_RETURN = 0x0d;
const SPACE = 0x20;

/** Where an encoded line's bytes come from (TraceStore passes its LineSlabs). */
export type LineMemory = (length: number) => Buffer;

const ownMemory: LineMemory = (length) => Buffer.allocUnsafeSlow(length);

/**
 * One trace as a JSON Lines line (ending in "\n"), plus the record without its body. A JsonText body is copied in
 * as it is (its line breaks, whitespace between tokens in valid JSON, become spaces), after the other fields as
 * the last key, where a trace's body always was; any other body is serialised with the rest. The line's bytes are
 * taken from `memory`, written in place, and kept (as the stored line) for the admin API until the file holds them.
 */
export function encodeTrace(trace: TraceRecord, memory: LineMemory = ownMemory): { stored: StoredTrace; line: Buffer } {
  const { requestBody, ...record } = trace;
  if (requestBody === undefined) {
    // Without a slab, a short line nobody keeps may come from Node's shared pool.
    const text = `${JSON.stringify(record)}\n`;
    const line = memory === ownMemory ? Buffer.from(text, 'utf8') : encodeText(text, memory);
    return { stored: { record, line: undefined, place: undefined }, line };
  }
  if (!(requestBody instanceof JsonText)) {
    const line = encodeText(`${JSON.stringify(trace)}\n`, memory);
    return { stored: { record, line: line.subarray(0, line.length - 1), place: undefined }, line };
  }
  const prefix = bodyPrefix(JSON.stringify(record));
  const text = requestBody.text;
  const prefixBytes = Buffer.byteLength(prefix, 'utf8');
  const bodyBytes = Buffer.byteLength(text, 'utf8');
  // One allocation, written in place: the body text is encoded once.
  const line = memory(prefixBytes + bodyBytes + 2);
  line.write(prefix, 0, 'utf8');
  // As many bytes as characters: all ASCII, which a plain byte copy encodes.
  line.write(text, prefixBytes, bodyBytes === text.length ? 'latin1' : 'utf8');
  blankLineBreaks(line, prefixBytes, prefixBytes + bodyBytes);
  line[prefixBytes + bodyBytes] = CLOSE_BRACE;
  line[prefixBytes + bodyBytes + 1] = NEWLINE;
  return { stored: { record, line: line.subarray(0, line.length - 1), place: undefined }, line };
}

function encodeText(text: string, memory: LineMemory): Buffer {
  const line = memory(Buffer.byteLength(text, 'utf8'));
  line.write(text, 0, 'utf8');
  return line;
}

/**
 * Line breaks in valid JSON text are whitespace between tokens (inside strings they are escaped), so a space may
 * stand for each; in UTF-8 their bytes never occur inside another character.
 */
function blankLineBreaks(line: Buffer, from: number, to: number): void {
  for (const byte of [NEWLINE, CARRIAGE_RETURN]) {
    for (let at = line.indexOf(byte, from); at !== -1 && at < to; at = line.indexOf(byte, at + 1)) line[at] = SPACE;
  }
}

/** `{…fields` + `,"requestBody":`: the serialised record opened again for its last key. */
function bodyPrefix(head: string): string {
  return head === '{}' ? '{"requestBody":' : `${head.slice(0, -1)}${BODY_KEY}`;
}

/**
 * A trace read back (a file line, a shared store's row) kept the same way: the body only as JSON text, or only as
 * the place of its line in the file when that is given.
 */
export function storeTrace(trace: TraceRecord, line?: string, place?: LinePlace): StoredTrace {
  if (trace.requestBody === undefined) return { record: trace, line: undefined, place: undefined };
  const { requestBody, ...record } = trace;
  if (place) return { record, line: undefined, place };
  return { record, line: Buffer.from(line ?? JSON.stringify({ ...record, requestBody }), 'utf8'), place: undefined };
}

/** The whole trace, its body taken from its line (undefined when the line is not this trace's). */
export function fullTrace(stored: StoredTrace, line: Buffer | undefined = stored.line): TraceRecord | undefined {
  if (!hasBody(stored)) return stored.record;
  if (!line) return undefined;
  const parsed = parseLine(line);
  if (parsed?.id !== stored.record.id) return undefined;
  return { ...stored.record, requestBody: parsed.requestBody };
}

function parseLine(line: Buffer): TraceRecord | undefined {
  try {
    return JSON.parse(line.toString('utf8')) as TraceRecord;
  } catch {
    return undefined;
  }
}

/**
 * A trace as JSON text for a store other than the file (a shared store's row), `serialize` being that store's
 * JSON.stringify: a JsonText body is spliced in as is unless `acceptBody` refuses its text; then it is parsed and
 * serialised with the rest.
 */
export function traceJsonText(
  trace: TraceRecord,
  serialize: (value: unknown) => string,
  acceptBody: (text: string) => boolean = () => true,
): string {
  const { requestBody, ...record } = trace;
  if (!(requestBody instanceof JsonText)) return serialize(trace);
  if (!acceptBody(requestBody.text)) return serialize({ ...record, requestBody: JSON.parse(requestBody.text) });
  return `${bodyPrefix(serialize(record))}${requestBody.text}}`;
}
