import type { AccountView } from '@mcp/contracts';

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

/** Active blocks an admin may lift: the account-wide one and per-model ones. */
export function activeBlocks(
  account: AccountView,
  now: number,
): { model: string | null; until: number; reason: string }[] {
  const blocks: { model: string | null; until: number; reason: string }[] = [];
  const until = account.state.blockedUntil;
  if (until !== undefined && until > now) {
    blocks.push({ model: null, until, reason: account.state.blockReason ?? account.state.blockKind ?? 'blocked' });
  }
  for (const [model, block] of Object.entries(account.state.modelBlocks ?? {})) {
    if (block.until > now) blocks.push({ model, until: block.until, reason: block.reason || block.kind });
  }
  return blocks;
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
