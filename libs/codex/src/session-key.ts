import { hash } from 'node:crypto';

/**
 * The one hash of a session key (PROTOCOL.md §2.4, §10.4): what a trace stores and what the shared affinity table is
 * keyed by, so neither ever holds the raw key. 16 hex characters: enough to group and to key, not to replay.
 */
export function hashSessionKey(sessionKey: string | null | undefined): string | null {
  if (!sessionKey) return null;
  // One-shot hashing: no Hash object per request (the same digest).
  return hash('sha256', sessionKey, 'hex').slice(0, 16);
}
