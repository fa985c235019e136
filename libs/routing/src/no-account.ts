import type { RoutingSkipNote } from '@mcp/contracts';
import { eligibility, type Skip } from './eligibility';
import { activeAccountBlock, activeModelBlock, exhaustion, isoSeconds, type RoutingAccount } from './routing-account';

export type NoAccountReason = 'no_accounts' | 'needs_reauth' | 'exhausted' | 'model_unavailable' | 'transient';

export interface NoAccountDetails {
  reason: NoAccountReason;
  model: string;
  /** Accounts the sentence talks about (e.g. "All 3 accounts are at their usage limit"). */
  accountCount: number;
  /** exhausted: when the first account refills; transient: when the shortest cooldown ends. */
  soonestResetAt?: number;
  /** When an account not yet tried in this request becomes a candidate again (what waiting can help with). */
  waitableAt?: number;
  /** exhausted: the forecast's sentence on how long the pool lasts after that reset (PoolForecastService). */
  outlook?: string;
}

/**
 * No account may serve the request (PROTOCOL.md §12.2). ProxyModule maps `reason` to the status
 * (429 / 503 / 404) and uses `retryAfterSeconds` for the Retry-After header.
 */
export class NoAccountAvailableError extends Error {
  readonly reason: NoAccountReason;
  readonly model: string;
  readonly accountCount: number;
  readonly soonestResetAt?: number;
  /** Seconds until `soonestResetAt`, at least 1; undefined when no time is known. */
  readonly retryAfterSeconds?: number;
  readonly waitableAt?: number;
  /** Why each account was out, for the trace's `routing.skipped`. */
  readonly skipped: RoutingSkipNote[];

  constructor(details: NoAccountDetails, now: number, skipped: RoutingSkipNote[] = []) {
    super(noAccountMessage(details, now));
    this.name = 'NoAccountAvailableError';
    this.reason = details.reason;
    this.model = details.model;
    this.accountCount = details.accountCount;
    this.skipped = skipped;
    if (details.waitableAt !== undefined) this.waitableAt = details.waitableAt;
    if (details.soonestResetAt !== undefined) {
      this.soonestResetAt = details.soonestResetAt;
      this.retryAfterSeconds = Math.max(1, Math.ceil((details.soonestResetAt - now) / 1000));
    }
  }
}

/**
 * When the account becomes a candidate again, per §12.2: the later of its block end and its
 * exhausted window's reset. Undefined when it is usable now or nothing says when.
 */
export function accountReadyAt(account: RoutingAccount, model: string, now: number): number | undefined {
  const ends: number[] = [];
  const block = activeAccountBlock(account, now);
  if (block) ends.push(block.until);
  const modelBlock = activeModelBlock(account, model, now);
  if (modelBlock) ends.push(modelBlock.until);
  const spent = exhaustion(account.usage, now);
  if (spent) {
    if (spent.until === null) return undefined;
    ends.push(spent.until);
  }
  return ends.length > 0 ? Math.max(...ends) : undefined;
}

/** The earliest moment any of `accounts` becomes eligible again (min over accounts). */
export function soonestReset(accounts: readonly RoutingAccount[], model: string, now: number): number | undefined {
  let soonest: number | undefined;
  for (const account of accounts) {
    const ready = accountReadyAt(account, model, now);
    if (ready !== undefined && (soonest === undefined || ready < soonest)) soonest = ready;
  }
  return soonest;
}

type SkipCategory = 'ignored' | 'reauth' | 'model' | 'quota' | 'transient';

function categorise(skip: Skip): SkipCategory {
  switch (skip.code) {
    case 'disabled':
      return 'ignored';
    case 'needs_reauth':
      return 'reauth';
    case 'not_in_catalogue':
      return 'model';
    case 'window_exhausted':
      return 'quota';
    case 'blocked':
    case 'model_blocked':
      if (skip.blockKind === 'ineligible') return 'model';
      return skip.blockKind === 'quota' || skip.blockKind === 'plan' || skip.blockKind === 'rate_limit'
        ? 'quota'
        : 'transient';
    case 'excluded':
      // Failed in this request: a rate limit counts with the quota blocks (429), anything else as transient (503).
      return skip.blockKind === 'rate_limit' ? 'quota' : 'transient';
  }
}

/**
 * Why nobody is left (§7.4, §7.5): 429 only when every account that could serve the model is quota or rate-limit
 * blocked; 503 when some of them failed transiently in this request; 404 when no account may serve the model.
 * Cooling accounts are candidates, so they only appear here once they failed in this request.
 */
export function explainNoAccount(
  accounts: readonly RoutingAccount[],
  model: string,
  now: number,
  modelAccounts: readonly string[] | null,
  excluded?: ReadonlySet<string>,
): NoAccountDetails {
  const byCategory = new Map<SkipCategory, RoutingAccount[]>();
  for (const account of accounts) {
    const result = eligibility(account, model, now, modelAccounts, excluded);
    const category = result.ok ? 'transient' : categorise(result);
    byCategory.set(category, [...(byCategory.get(category) ?? []), account]);
  }
  const count = (c: SkipCategory) => byCategory.get(c)?.length ?? 0;
  const enabled = accounts.length - count('ignored');
  if (enabled === 0) return { reason: 'no_accounts', model, accountCount: 0 };
  if (count('reauth') === enabled) return { reason: 'needs_reauth', model, accountCount: enabled };
  const servable = count('quota') + count('transient');
  if (servable === 0) return { reason: 'model_unavailable', model, accountCount: enabled - count('reauth') };
  const reason = count('transient') === 0 ? 'exhausted' : 'transient';
  const soonest = soonestReset(byCategory.get(reason === 'exhausted' ? 'quota' : 'transient') ?? [], model, now);
  const untried = (byCategory.get('quota') ?? []).filter((a) => !excluded?.has(a.id));
  const waitable = soonestReset(untried, model, now);
  return {
    reason,
    model,
    accountCount: servable,
    ...(soonest === undefined ? {} : { soonestResetAt: soonest }),
    ...(waitable === undefined ? {} : { waitableAt: waitable }),
  };
}

/** The sentence clients read (§12.2). */
export function noAccountMessage(details: NoAccountDetails, now: number): string {
  const { reason, model, accountCount: n, soonestResetAt } = details;
  const when = soonestResetAt === undefined ? '' : ` ${describeWhen(soonestResetAt, now)}`;
  switch (reason) {
    case 'no_accounts':
      return 'No enabled account is configured. Add or enable an account in the admin console.';
    case 'needs_reauth':
      return n === 1
        ? 'The only account needs a new login. Sign it in again from the admin console.'
        : `All ${n} accounts need a new login. Sign them in again from the admin console.`;
    case 'model_unavailable':
      return `The model '${model}' is not available to any configured account.`;
    case 'exhausted': {
      const who = n === 1 ? 'The only account is at its usage limit' : `All ${n} accounts are at their usage limit`;
      const outlook = details.outlook ? ` ${details.outlook}` : '';
      return `${who} for model '${model}'.${when ? ` The soonest reset is${when}.` : ''}${outlook}`;
    }
    case 'transient':
      return `No account can serve model '${model}' right now: the upstream is temporarily unavailable.${when ? ` Try again${when}.` : ''}`;
  }
}

function describeWhen(at: number, now: number): string {
  return `at ${isoSeconds(at)} (in ${formatDuration(at - now)})`;
}

/** `2h 14m`, `3d 4h`, `14m`, `45s`. */
export function formatDuration(ms: number): string {
  const seconds = Math.max(0, Math.ceil(ms / 1000));
  const days = Math.floor(seconds / 86_400);
  const hours = Math.floor((seconds % 86_400) / 3600);
  const minutes = Math.floor((seconds % 3600) / 60);
  if (days > 0) return `${days}d ${hours}h`;
  if (hours > 0) return `${hours}h ${minutes}m`;
  if (minutes > 0) return `${minutes}m`;
  return `${seconds}s`;
}
