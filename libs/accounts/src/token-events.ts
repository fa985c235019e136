import { Injectable, Logger } from '@nestjs/common';

/** How a token refresh ended: new tokens stored, a failure to retry later, or a login that must be redone. */
export type RefreshOutcome = 'success' | 'failure' | 'needs_reauth';

export type RefreshListener = (outcome: RefreshOutcome, accountId: string) => void;

/**
 * Token refresh outcomes for whoever wants them (tracing's metrics), so accounts reports without importing its
 * listeners: tracing already reads accounts, and the reverse import would be a cycle.
 */
@Injectable()
export class TokenEvents {
  private readonly logger = new Logger('Tokens');
  private readonly listeners = new Set<RefreshListener>();

  /** Subscribes; the returned function unsubscribes. */
  onRefresh(listener: RefreshListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  refreshed(outcome: RefreshOutcome, accountId: string): void {
    for (const listener of this.listeners) {
      try {
        listener(outcome, accountId);
      } catch (error) {
        // A broken listener must not turn a stored refresh into a failed request.
        this.logger.warn(`A token refresh listener failed: ${(error as Error).message}`);
      }
    }
  }
}
