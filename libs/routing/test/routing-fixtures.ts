import type { AccountState, UsageSnapshot, UsageWindow } from '@mcp/contracts';
import type { RoutingAccount } from '../src/routing-account';

export const HOUR = 3_600_000;
export const DAY = 24 * HOUR;

export function fiveHour(usedPercent: number, resetAt: number | null): UsageWindow {
  return { usedPercent, resetAt, windowSeconds: 18_000 };
}

export function weekly(usedPercent: number, resetAt: number | null): UsageWindow {
  return { usedPercent, resetAt, windowSeconds: 604_800 };
}

export function usage(
  now: number,
  windows: Partial<Pick<UsageSnapshot, 'fiveHour' | 'weekly' | 'limitReached'>>,
): UsageSnapshot {
  return { fetchedAt: now, source: 'probe', ...windows };
}

export interface AccountSpec {
  enabled?: boolean;
  priority?: number;
  usage?: UsageSnapshot;
  state?: Partial<AccountState>;
}

/** A routing view of an account with sensible defaults: enabled, priority 0, no usage, no blocks. */
export function account(id: string, spec: AccountSpec = {}): RoutingAccount {
  const built: RoutingAccount = {
    id,
    enabled: spec.enabled ?? true,
    priority: spec.priority ?? 0,
    state: { modelBlocks: {}, needsReauth: false, recentErrors: [], ...spec.state },
  };
  if (spec.usage) built.usage = spec.usage;
  return built;
}
