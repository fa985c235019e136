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

export type Eligibility = { ok: true } | Skip;

/**
 * PROTOCOL.md §7.1. The first failing rule is the one reported; rules that say "never for this
 * model" come before the ones that pass with time.
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
  if (block) {
    return {
      ...skip('blocked', `blocked (${block.kind}) until ${isoSeconds(block.until)}${suffix(block.reason)}`),
      until: block.until,
      blockKind: block.kind,
    };
  }
  if (modelBlock) return modelSkip(model, modelBlock);
  const spent = exhaustion(account.usage, now);
  if (spent) return exhaustedSkip(spent.windows, spent.until);
  if (excluded?.has(account.id)) return skip('excluded', 'already tried in this request');
  return { ok: true };
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
