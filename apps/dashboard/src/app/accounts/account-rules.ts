import type { AccountView, BlockKind } from '@mcp/contracts';

/** The order the router prefers at equal usage: priority ascending (lower first), then a stable name. */
export function sortAccounts(accounts: readonly AccountView[]): AccountView[] {
  return [...accounts].sort(
    (a, b) => a.priority - b.priority || (a.email ?? a.label ?? a.id).localeCompare(b.email ?? b.label ?? b.id),
  );
}

/** Priorities are integers; anything else is refused before a PATCH would be. */
export function parsePriority(text: string): number | null {
  const trimmed = text.trim();
  if (!/^-?\d+$/.test(trimmed)) return null;
  const value = Number(trimmed);
  return Number.isSafeInteger(value) ? value : null;
}

/** How an active entry affects routing (§7.4): cooldowns only demote the account; blocks keep it out. */
export type BlockEffect = 'blocked' | 'cooling' | 'quarantined';

export interface ActiveBlock {
  model: string | null;
  until: number;
  reason: string;
  effect: BlockEffect;
}

/** Active blocks and cooldowns an admin may lift: the account-wide one and per-model ones. */
export function activeBlocks(account: AccountView, now: number): ActiveBlock[] {
  const blocks: ActiveBlock[] = [];
  const until = account.state.blockedUntil;
  if (until !== undefined && until > now) {
    const reason = account.state.blockReason ?? account.state.blockKind ?? 'blocked';
    blocks.push({ model: null, until, reason, effect: effectOf(account.state.blockKind, until - now) });
  }
  for (const [model, block] of Object.entries(account.state.modelBlocks ?? {})) {
    if (block.until > now) {
      blocks.push({
        model,
        until: block.until,
        reason: block.reason || block.kind,
        effect: effectOf(block.kind, block.until - now),
      });
    }
  }
  return blocks;
}

/** Mirrors routing's rule (libs/routing eligibility.ts): short rate limits and transient cooldowns only demote. */
function effectOf(kind: BlockKind | undefined, remainingMs: number): BlockEffect {
  if (kind === 'quarantine') return 'quarantined';
  if (kind === 'transient' || (kind === 'rate_limit' && remainingMs <= 5 * 60_000)) return 'cooling';
  return 'blocked';
}

export function canUnblock(account: AccountView, now: number): boolean {
  return account.status === 'blocked' || activeBlocks(account, now).length > 0;
}

/** Replaces one account in a list by id (or appends it when new). */
export function upsertAccount(accounts: readonly AccountView[], account: AccountView): AccountView[] {
  const index = accounts.findIndex((a) => a.id === account.id);
  if (index === -1) return [...accounts, account];
  return accounts.map((a, i) => (i === index ? account : a));
}
