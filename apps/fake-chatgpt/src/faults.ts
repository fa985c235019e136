import { revokeAccessTokens } from './accounts';
import { revokedError } from './auth-check';
import { drawChaos } from './chaos';
import { HttpError } from './http-util';
import { codexHeaders, usageLimitBody } from './quota';
import { modelNotSupported } from './request-validation';
import type { EmulatorState } from './state';
import type { Timers } from './timers';
import type { AccountRecord, Fault, FaultRoute } from './types';

const STREAM_KINDS = new Set(['stream_failed', 'drop', 'empty', 'truncate', 'compaction_missing']);
const KINDS = new Set([
  'quota',
  'http',
  'stream_failed',
  'drop',
  'delay',
  'revoke',
  'model_not_supported',
  'rate_limit',
  'empty',
  'truncate',
  'compaction_missing',
]);

/** Queues `fault` for the account's next `count` requests on `route`. */
export function injectFault(
  state: EmulatorState,
  accountId: string,
  fault: Fault,
  count = 1,
  route: FaultRoute = 'responses',
): void {
  if (!fault || !KINDS.has(fault.kind))
    throw new Error(`unknown fault kind: ${String((fault as { kind?: unknown })?.kind)}`);
  if (STREAM_KINDS.has(fault.kind) && route !== 'responses') {
    throw new Error(`fault ${fault.kind} only applies to the responses stream`);
  }
  if (fault.kind === 'http' && !(fault.status >= 400 && fault.status <= 599))
    throw new Error('http fault needs a 4xx/5xx status');
  if (!Number.isInteger(count) || count < 1) throw new Error('count must be a positive integer');
  const list = state.faults.get(accountId) ?? [];
  list.push({ fault, route, remaining: count });
  state.faults.set(accountId, list);
}

/** The next queued fault for this route, consumed; with none queued, the random mode's draw (if on). */
export function takeFault(state: EmulatorState, accountId: string, route: FaultRoute): Fault | undefined {
  const list = state.faults.get(accountId);
  if (!list) return drawChaos(state, accountId, route);
  const index = list.findIndex((f) => f.route === route);
  if (index < 0) return drawChaos(state, accountId, route);
  const entry = list[index]!;
  entry.remaining -= 1;
  if (entry.remaining <= 0) list.splice(index, 1);
  if (list.length === 0) state.faults.delete(accountId);
  return entry.fault;
}

function httpBody(status: number): unknown {
  if (status === 503) {
    return {
      error: {
        message: 'Our servers are currently overloaded. Please try again later.',
        type: 'server_error',
        code: 'server_is_overloaded',
        param: null,
      },
    };
  }
  if (status >= 500) {
    return {
      error: {
        message: 'An error occurred while processing your request.',
        type: 'server_error',
        code: 'server_error',
        param: null,
      },
    };
  }
  return { error: { message: `Emulated HTTP ${status}`, type: 'invalid_request_error', code: null, param: null } };
}

/**
 * The HTTP error a non-stream fault produces, with the `x-codex-*` headers the real backend
 * adds to errors too; undefined for stream faults and `delay`.
 */
export function faultError(fault: Fault, account: AccountRecord, model: string, now: number): HttpError | undefined {
  switch (fault.kind) {
    case 'quota': {
      const name = fault.window ?? (account.windows.fiveHour ? 'fiveHour' : 'weekly');
      return new HttpError(429, usageLimitBody(account, account.windows[name], now), codexHeaders(account, now, name));
    }
    case 'http':
      return new HttpError(fault.status, fault.body ?? httpBody(fault.status), codexHeaders(account, now));
    case 'rate_limit': {
      const after = fault.retryAfterSec;
      const message = `Rate limit reached. Please try again in ${after ?? 1.5}s.`;
      const headers = {
        ...codexHeaders(account, now),
        ...(after !== undefined ? { 'retry-after': String(after) } : {}),
      };
      return new HttpError(
        429,
        { error: { message, type: 'requests', code: 'rate_limit_exceeded', param: null } },
        headers,
      );
    }
    case 'model_not_supported':
      return modelNotSupported(model);
    default:
      return undefined;
  }
}

/** Consumes the route's next fault: HTTP kinds throw, `delay` waits, stream kinds are returned. */
export async function applyFault(
  state: EmulatorState,
  timers: Timers,
  account: AccountRecord,
  route: FaultRoute,
  model: string,
): Promise<Fault | undefined> {
  const fault = takeFault(state, account.id, route);
  if (!fault) return undefined;
  if (fault.kind === 'delay') {
    await timers.sleep(fault.ms);
    return undefined;
  }
  if (fault.kind === 'revoke') {
    revokeAccessTokens(state, account.id);
    throw revokedError();
  }
  const err = faultError(fault, account, model, state.now());
  if (err) throw err;
  return fault;
}
