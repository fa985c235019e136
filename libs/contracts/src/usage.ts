/** One quota window as we store it: identified by its length, never by upstream position. */
export interface UsageWindow {
  usedPercent: number; // 0–100, clamped
  resetAt: number | null; // epoch ms
  windowSeconds: number;
}

export interface Credits {
  hasCredits: boolean;
  unlimited: boolean;
  balance: string | null;
}

export type UsageSource = 'probe' | 'headers' | 'stream';

/** PROTOCOL.md §10.2: what we know of an account's quota. */
export interface UsageSnapshot {
  fiveHour?: UsageWindow;
  weekly?: UsageWindow;
  otherWindows?: UsageWindow[];
  planType?: string;
  allowed?: boolean;
  limitReached?: boolean;
  credits?: Credits;
  activeLimit?: string;
  fetchedAt: number;
  source: UsageSource;
  raw?: unknown;
}
