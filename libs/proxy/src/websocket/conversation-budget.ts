/** What the budget can make forget its conversation. */
export interface BudgetHolder {
  forget(): void;
}

/**
 * The process-wide bound on what every socket's ConversationMemory keeps together (PROTOCOL.md §13.1). Each socket
 * is bounded on its own (32 MiB); without this, a thousand long Codex sessions could hold tens of gigabytes. Past the
 * budget, the conversations used longest ago are forgotten first: their next continuation gets the
 * previous_response_not_found error frame and Codex sends its full history instead, as after a reconnect.
 */
export class ConversationBudget {
  /** Bytes each holder keeps, in order of last use (a Map iterates in insertion order). */
  private readonly held = new Map<BudgetHolder, number>();
  private total = 0;
  /** Conversations forgotten to stay within the budget, since start. */
  evictions = 0;

  /** `maxBytes` is read at each `hold`, so a changed limit applies from the next remembered answer on. */
  constructor(private readonly maxBytes: () => number) {}

  /** `holder` now keeps `bytes` (0: nothing) and was just used; older conversations go while the total is over. */
  hold(holder: BudgetHolder, bytes: number): void {
    this.release(holder);
    const max = this.maxBytes();
    if (bytes <= 0) return;
    this.held.set(holder, bytes);
    this.total += bytes;
    for (const [other, size] of this.held) {
      if (this.total <= max || other === holder) break;
      this.held.delete(other);
      this.total -= size;
      this.evictions += 1;
      other.forget();
    }
  }

  /** `holder` keeps nothing any more (its socket closed, or it forgot on its own). */
  release(holder: BudgetHolder): void {
    const size = this.held.get(holder);
    if (size === undefined) return;
    this.held.delete(holder);
    this.total -= size;
  }

  get heldBytes(): number {
    return this.total;
  }
}
