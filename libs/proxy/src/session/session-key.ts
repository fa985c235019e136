import { createHash } from 'node:crypto';

/** What the trace stores instead of the raw session key (PROTOCOL.md §10.4): enough to group, not to replay. */
export function hashSessionKey(sessionKey: string | undefined): string | null {
  if (!sessionKey) return null;
  return createHash('sha256').update(sessionKey).digest('hex').slice(0, 16);
}
