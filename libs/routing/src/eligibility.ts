import type { Block, BlockKind } from '@mcp/contracts';
import { activeAccountBlock, activeModelBlock, exhaustion, isoSeconds, type RoutingAccount } from './routing-account';

export type SkipCode =
  'disabled' | 'needs_reauth' | 'blocked' | 'model_blocked' | 'window_exhausted' | 'not_in_catalogue' | 'excluded';

export interface Skip {
  ok: false;
  code: SkipCode;
  /** Human sentence for the trace's `routing.skipped`. */
  reason: string;
  /** When the account may become a candidate again, if known. */
  until?: number;
  blockKind?: BlockKind;
  /** A quota block the caller should store: the snapshot shows a spent window (§7.1 #3). */
  record?: Block;
}

/** A candidate; `cooling` is the soft cooldown that demotes it (§7.4 revised), if any. */
export interface Candidate {
  ok: true;
  cooling?: Block;
}

export type Eligibility = Candidate | Skip;

/**
 * A rate limit longer than this is a hard block (a 429 may then be the answer); shorter ones, like transient
 * cooldowns, only demote. Five minutes sits above RATE_LIMIT_COOLDOWN_MS's default (60 s) and far below any quota
 * window, so "try again in 1.5s" never turns a request away while "come back in an hour" does.
 */
export const SOFT_RATE_LIMIT_MAX_MS = 5 * 60_000;

/** §7.4: transient and quarantine cooldowns and short rate limits demote an account; every other block excludes it. */
export function isSoftBlock(block: Block, now: number): boolean {
  if (block.kind === 'transient' || block.kind === 'quarantine') return true;
  return block.kind === 'rate_limit' && block.until - now <= SOFT_RATE_LIMIT_MAX_MS;
}

/**
 * PROTOCOL.md §7.1 with §7.4 revised. The first failing rule is the one reported; rules that say "never for this
 * model" come before the ones that pass with time. A soft cooldown keeps the account a candidate (`cooling`), unless
 * it already failed in this request.
 * `modelAccounts` is the catalogue's list of accounts serving `model` (null: any account may).
 */
export function eligibility(
  account: RoutingAccount,
  model: string,
  now: number,
  modelAccounts: readonly string[] | null,
  excluded?: ReadonlySet<string>,
): Eligibility {
  if (!account.enabled) return skip('disabled', 'disabled');
  if (account.state.needsReauth) return skip('needs_reauth', 'needs a new login');
  if (modelAccounts !== null && !modelAccounts.includes(account.id)) {
    return skip('not_in_catalogue', `the model catalogue does not offer ${model} to this account`);
  }
  // An account that can never serve the model is reported as such, not as "blocked", so a request
  // for a model nobody may use ends in 404 rather than 429.
  const modelBlock = activeModelBlock(account, model, now);
  if (modelBlock?.kind === 'ineligible') return modelSkip(model, modelBlock);
  const block = activeAccountBlock(account, now);
  const softAccount = block !== undefined && isSoftBlock(block, now);
  if (block && !softAccount) {
    return {
      ...skip('blocked', `blocked (${block.kind}) until ${isoSeconds(block.until)}${suffix(block.reason)}`),
      until: block.until,
      blockKind: block.kind,
    };
  }
  const softModel = modelBlock !== undefined && isSoftBlock(modelBlock, now);
  if (modelBlock && !softModel) return modelSkip(model, modelBlock);
  const spent = exhaustion(account.usage, now);
  if (spent) return exhaustedSkip(spent.windows, spent.until);
  const cooling = laterOf(softAccount ? block : undefined, softModel ? modelBlock : undefined);
  if (excluded?.has(account.id)) {
    if (!cooling) return skip('excluded', 'failed in this request');
    const what = `${cooling.kind} until ${isoSeconds(cooling.until)}${suffix(cooling.reason)}`;
    return { ...skip('excluded', `failed in this request (${what})`), until: cooling.until, blockKind: cooling.kind };
  }
  return cooling ? { ok: true, cooling } : { ok: true };
}

function laterOf(a: Block | undefined, b: Block | undefined): Block | undefined {
  if (!a) return b;
  if (!b) return a;
  return a.until >= b.until ? a : b;
}

function modelSkip(model: string, block: Block): Skip {
  const text = `blocked for ${model} (${block.kind}) until ${isoSeconds(block.until)}${suffix(block.reason)}`;
  return { ...skip('model_blocked', text), until: block.until, blockKind: block.kind };
}

function exhaustedSkip(windows: string[], until: number | null): Skip {
  const what = windows.length > 0 ? `${windows.join(' and ')} window at 100%` : 'usage limit reached';
  if (until === null) return { ...skip('window_exhausted', `${what} (reset time unknown)`), blockKind: 'quota' };
  const reason = `${what} until ${isoSeconds(until)}`;
  return { ...skip('window_exhausted', reason), until, blockKind: 'quota', record: { until, kind: 'quota', reason } };
}

function skip(code: SkipCode, reason: string): Skip {
  return { ok: false, code, reason };
}

function suffix(reason: string): string {
  return reason ? `: ${reason}` : '';
}
