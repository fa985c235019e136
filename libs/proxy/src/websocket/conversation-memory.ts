import { ClientRequestError, type JsonObject } from '@mcp/codex';
import type { BudgetHolder, ConversationBudget } from './conversation-budget';

/** One answered response this socket may continue: the full input it was asked and the output items it gave. */
interface Remembered {
  id: string;
  input: unknown[];
  output: unknown[];
  /** Roughly the JSON size of input + output, to bound what one socket holds. */
  bytes: number;
}

/**
 * Per-socket memory for `previous_response_id` (PROTOCOL.md §13.1). The upstream keeps nothing (`store:false`), so
 * the proxy turns "previous response + new items" back into the full input, and every request on the socket is an
 * ordinary one that any account can serve. Only the last answered response is kept (Codex only ever continues that
 * one), and only while it fits in `maxBytes` and in the process-wide `budget`: past either the conversation is
 * forgotten, a continuation of it gets a 400 error frame, and Codex starts over with its full history, which it
 * always has.
 */
export class ConversationMemory implements BudgetHolder {
  private last: Remembered | undefined;
  private closed = false;

  constructor(
    private readonly maxBytes: number,
    private readonly budget?: ConversationBudget,
  ) {}

  /** The body to send: `previous_response_id` expanded, the WebSocket-only fields gone. Throws for an unknown id. */
  expand(frame: JsonObject): { body: JsonObject; input: unknown[]; bytes: number } {
    const { type: _type, previous_response_id: previousId, generate: _generate, ...body } = frame;
    const added = inputItems(body['input']);
    const addedBytes = JSON.stringify(added).length;
    if (previousId === undefined || previousId === null || previousId === '') {
      return { body: { ...body, input: added }, input: added, bytes: addedBytes };
    }
    const last = this.last;
    if (!last || last.id !== previousId) {
      throw new ClientRequestError(
        `Previous response with id '${String(previousId)}' not found on this connection: send the full input.`,
        { code: 'previous_response_not_found', param: 'previous_response_id' },
      );
    }
    const input = [...last.input, ...last.output, ...added];
    return { body: { ...body, input }, input, bytes: last.bytes + addedBytes };
  }

  /** After an answer reached its terminal event: this is now the response a next frame may continue. */
  remember(id: string | undefined, input: unknown[], inputBytes: number, output: unknown[]): void {
    if (!id || this.closed) return;
    const bytes = inputBytes + JSON.stringify(output).length;
    this.last = bytes <= this.maxBytes ? { id, input, output, bytes } : undefined;
    this.budget?.hold(this, this.last?.bytes ?? 0);
  }

  /** Drops the conversation (the budget needs the room). */
  forget(): void {
    this.last = undefined;
    this.budget?.release(this);
  }

  /** The socket closed: its share goes back, and an answer that still ends on it is not remembered. */
  close(): void {
    this.closed = true;
    this.forget();
  }

  /** Whether `id` names the response this socket can continue. */
  answered(id: unknown): boolean {
    return this.last !== undefined && this.last.id === id;
  }

  get rememberedBytes(): number {
    return this.last?.bytes ?? 0;
  }
}

/** A string input is one user message, as over HTTP; anything else but a list is left for normalisation to refuse. */
function inputItems(input: unknown): unknown[] {
  if (input === undefined || input === null) return [];
  if (typeof input === 'string') {
    return [{ type: 'message', role: 'user', content: [{ type: 'input_text', text: input }] }];
  }
  if (Array.isArray(input)) return input;
  throw new ClientRequestError("Invalid type for 'input': expected a string or an array of input items.", {
    code: 'invalid_value',
    param: 'input',
  });
}
