import { Injectable, computed, signal } from '@angular/core';

const TOKEN_KEY = 'mcp.adminToken';

export type SignOutReason = 'manual' | 'expired';

function readToken(): string | null {
  try {
    return sessionStorage.getItem(TOKEN_KEY);
  } catch {
    return null;
  }
}

/** The admin token for this browser session (sessionStorage: gone when the tab closes). */
@Injectable({ providedIn: 'root' })
export class AuthStore {
  private readonly tokenValue = signal<string | null>(readToken());
  private readonly reason = signal<SignOutReason | null>(null);

  readonly token = this.tokenValue.asReadonly();
  readonly signedIn = computed(() => this.tokenValue() !== null);
  /** Why the user was sent back to the sign-in screen, so it can say so. */
  readonly signOutReason = this.reason.asReadonly();

  signIn(token: string): void {
    try {
      sessionStorage.setItem(TOKEN_KEY, token);
    } catch {
      // Private modes may refuse storage: the token then lives only in memory until reload.
    }
    this.reason.set(null);
    this.tokenValue.set(token);
  }

  signOut(reason: SignOutReason = 'manual'): void {
    try {
      sessionStorage.removeItem(TOKEN_KEY);
    } catch {
      // Nothing stored, nothing to remove.
    }
    this.reason.set(reason);
    this.tokenValue.set(null);
  }

  /** A 401 with the token we hold means it was changed or revoked server-side. */
  rejected(token: string | null): void {
    if (token !== null && token === this.tokenValue()) this.signOut('expired');
  }
}
