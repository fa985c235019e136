import type { UsageSnapshot } from './usage';

/**
 * `transient`, `quarantine` and short `rate_limit` entries are soft cooldowns: they demote an account in routing,
 * never exclude it (PROTOCOL.md §7.4). `quarantine` is a transient cooldown grown by repeated failures.
 */
export type BlockKind = 'quota' | 'plan' | 'rate_limit' | 'ineligible' | 'transient' | 'quarantine' | 'account';

export interface Block {
  until: number; // epoch ms
  kind: BlockKind;
  reason: string;
  /** Transient failures in a row without a success (transient and quarantine entries). */
  strikes?: number;
}

export interface RecentError {
  at: number;
  message: string;
  status?: number;
}

/** PROTOCOL.md §10.2 `state`. */
export interface AccountState {
  blockedUntil?: number;
  blockKind?: BlockKind;
  blockReason?: string;
  modelBlocks: Record<string, Block>;
  needsReauth: boolean;
  lastError?: string;
  lastErrorAt?: number;
  recentErrors: RecentError[]; // newest first, max 10
  lastSelectedAt?: number;
  lastUsedAt?: number;
}

export type AccountStatus = 'available' | 'blocked' | 'needs_reauth' | 'disabled';

/** The account as the admin API shows it: never a token, only hints about them (PROTOCOL.md §11.2). */
export interface AccountView {
  id: string;
  label?: string;
  email?: string;
  chatgptAccountId?: string;
  chatgptUserId?: string;
  planType?: string;
  expiresAt?: number;
  hasRefreshToken: boolean;
  enabled: boolean;
  priority: number;
  createdAt: number;
  updatedAt: number;
  lastRefreshAt?: number;
  usage?: Omit<UsageSnapshot, 'raw'>;
  state: AccountState;
  status: AccountStatus;
}

export interface AccountsResponse {
  accounts: AccountView[];
}

export interface AccountResponse {
  ok: true;
  account: AccountView;
}

export interface CreateAccountRequest {
  accessToken: string;
  refreshToken?: string;
  idToken?: string;
  email?: string;
  label?: string;
  chatgptAccountId?: string;
  expiresAt?: number;
  enabled?: boolean;
  priority?: number;
}

export interface PatchAccountRequest {
  label?: string;
  email?: string;
  enabled?: boolean;
  priority?: number;
}

export interface UsageRefreshResponse {
  ok: true;
  accounts: AccountView[];
  errors: { accountId: string; message: string }[];
}
