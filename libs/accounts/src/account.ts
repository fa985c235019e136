import type { AccountState, AccountStatus, AccountView, UsageSnapshot } from '@mcp/contracts';

/** The stored account (PROTOCOL.md §10.2). Holds secrets: never leaves the server; use toAccountView. */
export interface Account {
  id: string;
  label?: string;
  email?: string;
  chatgptAccountId?: string;
  chatgptUserId?: string;
  planType?: string;
  accessToken: string;
  refreshToken?: string;
  idToken?: string;
  expiresAt?: number;
  enabled: boolean;
  priority: number;
  createdAt: number;
  updatedAt: number;
  lastRefreshAt?: number;
  usage?: UsageSnapshot;
  state: AccountState;
}

export function emptyState(): AccountState {
  return { modelBlocks: {}, needsReauth: false, recentErrors: [] };
}

export function accountStatus(account: Account, now: number): AccountStatus {
  if (!account.enabled) return 'disabled';
  if (account.state.needsReauth) return 'needs_reauth';
  if (account.state.blockedUntil !== undefined && account.state.blockedUntil > now) return 'blocked';
  return 'available';
}

export function toAccountView(account: Account, now: number): AccountView {
  const { accessToken: _a, refreshToken, idToken: _i, usage, ...rest } = account;
  const view: AccountView = {
    ...rest,
    hasRefreshToken: Boolean(refreshToken),
    status: accountStatus(account, now),
  };
  if (usage) {
    const { raw: _raw, ...visibleUsage } = usage;
    view.usage = visibleUsage;
  }
  return view;
}
