import type { UsageSnapshot } from '@mcp/contracts';
import {
  CODEX_HEADER_PREFIX,
  DEFAULT_LIMIT_FAMILY,
  HEADERS,
  limitFamilyHeaderPrefix,
  UPSTREAM_CODES as C,
} from './constants';
import { headerGetter, parseRetryAfter, type HeaderGetter, type HeaderSource } from './headers';
import { epochToMs, finiteNumber, isRecord, nonEmptyString, tryParseJson, type JsonObject } from './json';
import { readHeaderWindows, windowsOf } from './usage';

export type UpstreamFailureKind =
  'quota' | 'plan' | 'rate_limit' | 'model_ineligible' | 'auth' | 'account' | 'transient' | 'client';

/** What an upstream failure means for the account and the request (PROTOCOL.md §3.6, §4.2). */
export interface UpstreamFailure {
  kind: UpstreamFailureKind;
  /** Upstream HTTP status; null for in-stream errors and network failures. */
  status: number | null;
  code: string | null;
  message: string;
  /** Epoch ms until which the block / cooldown holds, when upstream told us (or the fallback applies). */
  resetAt?: number;
  retryAfterMs?: number;
  /** The block applies to account×model, not the whole account (§4.2 family note, §7.4). */
  modelScoped?: boolean;
  /** First 500 characters of the upstream error body, for the trace. */
  upstreamBody?: string;
}

export interface ClassifyConfig {
  blockFallbackMs: number;
  rateLimitCooldownMs: number;
}

export interface UpstreamErrorInput {
  status: number;
  /** The error body as text (`bodyText`) or already parsed (`body`). */
  bodyText?: string;
  body?: unknown;
  headers?: HeaderSource;
  now: number;
  /** The account's last known usage (§4.4 step 5). */
  snapshot?: UsageSnapshot;
  /** BLOCK_FALLBACK_MS and RATE_LIMIT_COOLDOWN_MS: AppConfig fits, so the defaults live in libs/config only. */
  config: ClassifyConfig;
}

/** The fields of either upstream error shape (§4.1), read leniently. */
interface ErrorFields {
  message?: string;
  type?: string;
  code?: string;
  resetsAt?: number;
  resetsInSeconds?: number;
}

const BODY_EXCERPT = 500;
const MODEL_UNSUPPORTED = /\bmodel\b[^\n]{0,160}?\b(not supported|does not exist|not found|is not available)\b/i;
const NO_HEADERS: HeaderGetter = () => undefined;

function errorFields(body: unknown): ErrorFields {
  if (typeof body === 'string') return { message: nonEmptyString(body) };
  if (!isRecord(body)) return {};
  const inner: JsonObject = isRecord(body['error']) ? body['error'] : isRecord(body['detail']) ? body['detail'] : body;
  const detail = typeof body['detail'] === 'string' ? body['detail'] : undefined;
  const nestedMessage = typeof body['error'] === 'string' ? body['error'] : undefined;
  return {
    message: nonEmptyString(inner['message']) ?? nonEmptyString(detail) ?? nonEmptyString(nestedMessage),
    type: nonEmptyString(inner['type']),
    code: nonEmptyString(inner['code']),
    resetsAt: epochToMs(inner['resets_at'] ?? body['resets_at']),
    resetsInSeconds: finiteNumber(inner['resets_in_seconds'] ?? body['resets_in_seconds']),
  };
}

function hasSignal(f: ErrorFields, ...codes: string[]): boolean {
  return codes.some((c) => f.type === c || f.code === c);
}

/** "Please try again in 1.5s" / "in 20ms" / "in 1m30s" → milliseconds. */
export function parseTryAgainIn(message: string | undefined): number | undefined {
  const match = message?.match(
    /try again in\s+((?:\d+(?:\.\d+)?\s*(?:ms|milliseconds?|s|secs?|seconds?|m|mins?|minutes?|h|hours?)\s*)+)/i,
  );
  if (!match?.[1]) return undefined;
  let total = 0;
  for (const [, amount, unit] of match[1].matchAll(/(\d+(?:\.\d+)?)\s*([a-z]+)/gi)) {
    const u = (unit ?? '').toLowerCase();
    const scale =
      u.startsWith('ms') || u.startsWith('milli')
        ? 1
        : u.startsWith('h')
          ? 3_600_000
          : u.startsWith('m')
            ? 60_000
            : 1000;
    total += Number(amount) * scale;
  }
  return total > 0 ? Math.ceil(total) : undefined;
}

function activeFamily(get: HeaderGetter): string | undefined {
  return get(HEADERS.activeLimit)?.toLowerCase();
}

function latestExhaustedReset(resets: (number | null)[], now: number): number | undefined {
  const future = resets.filter((r): r is number => r !== null && r > now);
  return future.length > 0 ? Math.max(...future) : undefined;
}

/** The quota block's end, first available of §4.4. */
function quotaResetAt(
  f: ErrorFields,
  get: HeaderGetter,
  now: number,
  usage: UsageSnapshot | undefined,
  cfg: ClassifyConfig,
): number {
  if (f.resetsAt !== undefined && f.resetsAt > now) return f.resetsAt;
  if (f.resetsInSeconds !== undefined && f.resetsInSeconds > 0) return now + Math.round(f.resetsInSeconds * 1000);
  const family = activeFamily(get);
  const prefixes = [
    CODEX_HEADER_PREFIX,
    ...(family && family !== DEFAULT_LIMIT_FAMILY ? [limitFamilyHeaderPrefix(family)] : []),
  ];
  const headerWindows = prefixes.flatMap((p) => readHeaderWindows(get, p, now)).filter((w) => w.usedPercent >= 100);
  const fromHeaders = latestExhaustedReset(
    headerWindows.map((w) => w.resetAt),
    now,
  );
  if (fromHeaders !== undefined) return fromHeaders;
  const retryAfter = parseRetryAfter(get(HEADERS.retryAfter), now);
  if (retryAfter !== undefined && retryAfter > 0) return now + retryAfter;
  const exhausted = usage ? windowsOf(usage).filter((w) => w.usedPercent >= 100) : [];
  const fromUsage = latestExhaustedReset(
    exhausted.map((w) => w.resetAt),
    now,
  );
  return fromUsage ?? now + cfg.blockFallbackMs;
}

function excerpt(input: UpstreamErrorInput): string | undefined {
  const text =
    input.bodyText ??
    (input.body === undefined ? undefined : typeof input.body === 'string' ? input.body : JSON.stringify(input.body));
  return text === undefined || text === '' ? undefined : text.slice(0, BODY_EXCERPT);
}

/** The parsed body when given, else the text as JSON, else the text itself (an HTML page, a plain message). */
function parsedBody(input: UpstreamErrorInput): unknown {
  if (input.body !== undefined) return input.body;
  if (input.bodyText === undefined) return undefined;
  return tryParseJson(input.bodyText) ?? input.bodyText;
}

function rateLimitDelay(get: HeaderGetter, message: string | undefined, now: number, cfg: ClassifyConfig): number {
  const header = parseRetryAfter(get(HEADERS.retryAfter), now);
  if (header !== undefined && header > 0) return header;
  return parseTryAgainIn(message) ?? cfg.rateLimitCooldownMs;
}

/** Classifies an upstream HTTP error before any byte reaches the client (§4.1, §4.2, §4.4). */
export function classifyUpstreamError(input: UpstreamErrorInput): UpstreamFailure {
  const { status, now } = input;
  const cfg = input.config;
  const f = errorFields(parsedBody(input));
  const get = headerGetter(input.headers);
  const base = { status, code: f.code ?? f.type ?? null, message: f.message ?? `Upstream HTTP ${status}` };
  const body = excerpt(input);
  const result = (
    failure: Omit<UpstreamFailure, 'status' | 'code' | 'message'> & Partial<UpstreamFailure>,
  ): UpstreamFailure => {
    const out: UpstreamFailure = { ...base, ...failure };
    if (body !== undefined) out.upstreamBody = body;
    return out;
  };

  if (hasSignal(f, C.usageNotIncluded)) return result({ kind: 'plan' });
  if (hasSignal(f, C.usageLimitReached, C.insufficientQuota)) {
    const family = activeFamily(get);
    const failure = result({
      kind: 'quota',
      resetAt: quotaResetAt(f, get, now, input.snapshot, cfg),
    });
    if (family !== undefined && family !== DEFAULT_LIMIT_FAMILY) failure.modelScoped = true;
    return failure;
  }
  if (status === 429) {
    const delay = rateLimitDelay(get, f.message, now, cfg);
    return result({ kind: 'rate_limit', retryAfterMs: delay, resetAt: now + delay });
  }
  if (
    (status === 400 || status === 404) &&
    (hasSignal(f, C.modelNotFound) || MODEL_UNSUPPORTED.test(f.message ?? ''))
  ) {
    return result({ kind: 'model_ineligible', modelScoped: true });
  }
  if (status === 401) return result({ kind: 'auth' });
  if (status === 403) return result({ kind: 'account', resetAt: now + cfg.blockFallbackMs });
  if (status >= 500 || status === 408 || hasSignal(f, C.overloaded, C.slowDown, C.serverError) || status < 400) {
    const transient = result({ kind: 'transient', modelScoped: true });
    const retryAfter = parseRetryAfter(get(HEADERS.retryAfter), now);
    if (retryAfter !== undefined && retryAfter > 0) transient.retryAfterMs = retryAfter;
    return transient;
  }
  return result({ kind: 'client' });
}

/** Unwraps whatever the caller holds: the `error` event, `response.failed`, its `response`, or `response.error`. */
function streamErrorFields(errorObj: unknown): ErrorFields {
  if (!isRecord(errorObj)) return errorFields(errorObj);
  const response = isRecord(errorObj['response']) ? errorObj['response'] : undefined;
  if (response && isRecord(response['error'])) return errorFields(response['error']);
  if (isRecord(errorObj['error'])) return errorFields(errorObj['error']);
  return errorFields(errorObj);
}

function kindFromStreamMessage(message: string): UpstreamFailureKind | 'context' | undefined {
  if (/usage limit|quota/i.test(message)) return 'quota';
  if (/rate limit/i.test(message)) return 'rate_limit';
  if (/context (length|window)|too many tokens|maximum context/i.test(message)) return 'context';
  if (MODEL_UNSUPPORTED.test(message)) return 'model_ineligible';
  return undefined;
}

/**
 * Classifies `response.failed` / `error` inside a 200 stream by code, falling back to the message (§3.6).
 * `lastUsage` feeds the quota reset time like §4.4 step 5.
 */
export function classifyStreamError(
  errorObj: unknown,
  now: number,
  cfg: ClassifyConfig,
  lastUsage?: UsageSnapshot,
): UpstreamFailure {
  const f = streamErrorFields(errorObj);
  const message = f.message ?? 'Upstream stream failed';
  const code = f.code ?? f.type ?? null;
  const base = { status: null, code, message };
  const byMessage = f.code === undefined ? kindFromStreamMessage(message) : undefined;
  if (hasSignal(f, C.usageNotIncluded)) return { ...base, kind: 'plan' };
  if (hasSignal(f, C.usageLimitReached, C.insufficientQuota) || byMessage === 'quota') {
    return { ...base, kind: 'quota', resetAt: quotaResetAt(f, NO_HEADERS, now, lastUsage, cfg) };
  }
  if (hasSignal(f, C.rateLimitExceeded) || byMessage === 'rate_limit') {
    const delay = parseTryAgainIn(message) ?? cfg.rateLimitCooldownMs;
    return { ...base, kind: 'rate_limit', retryAfterMs: delay, resetAt: now + delay };
  }
  if (hasSignal(f, C.contextLengthExceeded) || byMessage === 'context') {
    return { ...base, kind: 'client', code: C.contextLengthExceeded };
  }
  if (hasSignal(f, C.modelNotFound) || MODEL_UNSUPPORTED.test(message))
    return { ...base, kind: 'model_ineligible', modelScoped: true };
  if (hasSignal(f, C.invalidPrompt, C.invalidRequest)) return { ...base, kind: 'client' };
  return { ...base, kind: 'transient', modelScoped: true };
}

/** A connection failure, header timeout or idle timeout: transient (§4.2). */
export function networkFailure(message: string, code = 'network_error'): UpstreamFailure {
  return { kind: 'transient', status: null, code, message, modelScoped: true };
}
