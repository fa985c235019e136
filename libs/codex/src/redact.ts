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

function redactValue(value: unknown, depth: number): unknown {
  if (typeof value === 'string') return value.startsWith('data:') ? redactDataUrl(value) : value;
  if (depth >= MAX_DEPTH || typeof value !== 'object' || value === null) return value;
  if (Array.isArray(value)) return value.map((v) => redactValue(v, depth + 1));
  if (!isRecord(value)) return value;
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) {
    if (!SECRET_KEY.test(key)) out[key] = redactValue(v, depth + 1);
  }
  return out;
}

/** A copy of a request body fit for a trace: data URLs summarised, credential-looking fields dropped. */
export function redactBody<T>(body: T): T {
  return redactValue(body, 0) as T;
}
