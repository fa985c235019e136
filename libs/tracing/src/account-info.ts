import type { AccountsService } from '@mcp/accounts';
import type { AccountInfo } from './stats/stats-history';

/** The labels stats show for an account (never a secret); null once the account is gone. */
export function accountInfo(accounts: AccountsService, accountId: string): AccountInfo {
  const account = accounts.get(accountId);
  if (!account) return null;
  const info: NonNullable<AccountInfo> = { id: account.id, enabled: account.enabled };
  if (account.email !== undefined) info.email = account.email;
  if (account.label !== undefined) info.label = account.label;
  return info;
}
