import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ChaosOptions, ChaosStats } from './chaos';
import { HttpError, parseJsonObject, readBody, sendJson } from './http-util';
import { countersToJson } from './state';
import type {
  AccountRecord,
  AddAccountOptions,
  CountersSnapshot,
  EmulatorOptions,
  Fault,
  FaultRoute,
  IssuedTokens,
} from './types';

/** What the control API drives: the in-process API of the emulator. */
export interface ControlTarget {
  readonly options: EmulatorOptions;
  addAccount(opts: AddAccountOptions): AccountRecord;
  accounts(): AccountRecord[];
  account(ref: string): AccountRecord;
  issueTokens(ref: string): IssuedTokens;
  inject(ref: string, fault: Fault, count?: number, route?: FaultRoute): void;
  clearFaults(ref: string): void;
  /** The seeded random fault mode: on with options, off with null; returns what it injected. */
  chaos(options: ChaosOptions | null): ChaosStats | null;
  chaosStats(): ChaosStats | null;
  setUsage(ref: string, usage: { fiveHour?: number; weekly?: number }): void;
  expireAccessTokens(ref: string): void;
  revokeRefreshTokens(ref: string): void;
  resetWindows(ref: string): void;
  setNextLogin(ref: string): void;
  approveDevice(userCode: string, ref: string): string;
  advance(ms: number): void;
  now(): number;
  counters(): CountersSnapshot;
  resetCounters(): void;
}

type Json = Record<string, unknown>;
type Action = (target: ControlTarget, body: Json, ref: string) => unknown;

const OK = { ok: true };

const ACCOUNT_ACTIONS: Record<string, Action> = {
  'POST tokens': (t, _b, ref) => t.issueTokens(ref),
  'POST faults': (t, b, ref) => {
    t.inject(ref, b.fault as Fault, b.count as number | undefined, b.route as FaultRoute | undefined);
    return OK;
  },
  'DELETE faults': (t, _b, ref) => (t.clearFaults(ref), OK),
  'POST usage': (t, b, ref) => (t.setUsage(ref, b as { fiveHour?: number; weekly?: number }), t.account(ref)),
  'POST expire-access-tokens': (t, _b, ref) => (t.expireAccessTokens(ref), OK),
  'POST revoke-refresh-tokens': (t, _b, ref) => (t.revokeRefreshTokens(ref), OK),
  'POST reset-windows': (t, _b, ref) => (t.resetWindows(ref), t.account(ref)),
  'GET ': (t, _b, ref) => t.account(ref),
};

const GLOBAL_ACTIONS: Record<string, (target: ControlTarget, body: Json) => unknown> = {
  'GET health': () => OK,
  'GET accounts': (t) => t.accounts(),
  'POST accounts': (t, b) => t.addAccount(b as unknown as AddAccountOptions),
  'POST next-login': (t, b) => (t.setNextLogin(String(b.account)), OK),
  'POST device/approve': (t, b) => ({ accountId: t.approveDevice(String(b.userCode), String(b.account)) }),
  'POST clock/advance': (t, b) => (t.advance(Number(b.ms)), { now: t.now() }),
  'GET clock': (t) => ({ now: t.now() }),
  'GET counters': (t) => countersToJson(t.counters()),
  'POST counters/reset': (t) => (t.resetCounters(), OK),
  'GET options': (t) => t.options,
  'POST chaos': (t, b) => t.chaos(b as unknown as ChaosOptions),
  'GET chaos': (t) => t.chaosStats(),
  'DELETE chaos': (t) => t.chaos(null),
  'PATCH options': patchOptions,
};

function patchOptions(target: ControlTarget, body: Json): EmulatorOptions {
  const options = target.options as unknown as Json;
  for (const [key, value] of Object.entries(body)) {
    if (!(key in options)) throw new Error(`unknown option: ${key}`);
    if (typeof value !== typeof options[key] || Array.isArray(value) !== Array.isArray(options[key])) {
      throw new Error(`option ${key} must be a ${Array.isArray(options[key]) ? 'array' : typeof options[key]}`);
    }
  }
  Object.assign(options, body);
  return target.options;
}

/** `/__control/...` JSON routes mirroring the in-process API, for the demo, the benchmark and browser tests. */
export async function handleControl(
  target: ControlTarget,
  req: IncomingMessage,
  res: ServerResponse,
  path: string,
): Promise<void> {
  const method = req.method ?? 'GET';
  const raw = method === 'GET' ? Buffer.alloc(0) : await readBody(req);
  const body = raw.length > 0 ? parseJsonObject(raw) : {};
  const rest = path.slice('/__control/'.length);
  try {
    const global = GLOBAL_ACTIONS[`${method} ${rest}`];
    if (global) return sendJson(res, 200, global(target, body));
    const m = /^accounts\/([^/]+)(?:\/(.+))?$/.exec(rest);
    const action = m ? ACCOUNT_ACTIONS[`${method} ${m[2] ?? ''}`] : undefined;
    if (!m || !action) throw new HttpError(404, { error: `no control route ${method} ${path}` });
    sendJson(res, 200, action(target, body, decodeURIComponent(m[1]!)));
  } catch (err) {
    if (err instanceof HttpError) throw err;
    const message = (err as Error).message;
    throw new HttpError(message.startsWith('unknown account') ? 404 : 400, { error: message });
  }
}
