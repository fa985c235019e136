import { createHash } from 'node:crypto';

export interface DerivedSessionInput {
  clientKeyId?: string | null;
  model: string;
  instructions: unknown;
  firstInputItem: unknown;
}

/**
 * A stable session key for a Chat client that sent none (PROTOCOL.md §2.4): the upstream prompt cache matches only
 * identical prefixes, so the same (client, model, instructions, opening turn) always lands on the same account.
 */
export function deriveChatSessionKey(input: DerivedSessionInput): string {
  const material = JSON.stringify([input.clientKeyId ?? null, input.model, input.instructions ?? null, input.firstInputItem ?? null]);
  return `chat-${createHash('sha256').update(material).digest('hex').slice(0, 32)}`;
}

/** What the trace stores instead of the raw session key. */
export function hashSessionKey(sessionKey: string | undefined): string | null {
  if (!sessionKey) return null;
  return createHash('sha256').update(sessionKey).digest('hex').slice(0, 16);
}
