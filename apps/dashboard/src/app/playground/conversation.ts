import { HttpErrorResponse } from '@angular/common/http';
import { ChatHttpError, type ChatMessage, type ChatReply } from './playground-api';

/** One bubble of the conversation; the assistant's grows while it streams. */
export interface Turn {
  role: 'user' | 'assistant';
  content: string;
  streaming?: boolean;
  reply?: ChatReply;
  error?: string;
}

/** The request history: system text first, then every finished turn, then the new prompt. Failed turns are left out. */
export function buildMessages(system: string, turns: readonly Turn[], prompt: string): ChatMessage[] {
  const messages: ChatMessage[] = [];
  if (system.trim()) messages.push({ role: 'system', content: system.trim() });
  for (let i = 0; i < turns.length; i++) {
    const turn = turns[i]!;
    const answer = turns[i + 1];
    if (turn.role === 'user') {
      // A question whose answer failed is dropped with it, so the model never sees a dangling turn.
      if (answer && answer.role === 'assistant' && (answer.error || answer.content === '')) {
        i++;
        continue;
      }
      messages.push({ role: 'user', content: turn.content });
    } else if (!turn.error && turn.content !== '') {
      messages.push({ role: 'assistant', content: turn.content });
    }
  }
  messages.push({ role: 'user', content: prompt });
  return messages;
}

/** Why the gateway refused the chat, in words (PROTOCOL §12.2). */
export function chatErrorText(error: unknown): string {
  if (error instanceof ChatHttpError) {
    switch (error.status) {
      case 401:
        return 'This server requires a client key for /v1. Paste one in "Client key" (create keys with the admin API).';
      case 404:
        return `Model not available: ${error.message}`;
      case 429:
        return `Every account is at its usage limit. ${error.message}`;
      case 503:
        return `No account can serve right now: ${error.message}`;
      default:
        return `${error.status}: ${error.message}`;
    }
  }
  if (error instanceof DOMException && error.name === 'AbortError') return 'Stopped.';
  if (error instanceof TypeError) return 'The server could not be reached.';
  return error instanceof Error ? error.message : String(error);
}

export function isUnauthorized(error: unknown): boolean {
  return error instanceof HttpErrorResponse && error.status === 401;
}
