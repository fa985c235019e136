import { Injectable, computed, inject, signal } from '@angular/core';
import { SessionApi } from './session-api';

export type SignOutReason = 'manual' | 'expired';
type SessionState = 'checking' | 'signed-in' | 'signed-out';

/**
 * Whether this browser holds a live admin session. The session itself is the server's HttpOnly cookie: nothing
 * secret is kept in the page or in storage. The first check asks GET /admin/session.
 */
@Injectable({ providedIn: 'root' })
export class AuthStore {
  private readonly api = inject(SessionApi);
  private readonly state = signal<SessionState>('checking');
  private readonly reason = signal<SignOutReason | null>(null);

  readonly checking = computed(() => this.state() === 'checking');
  readonly signedIn = computed(() => this.state() === 'signed-in');
  /** Why the user was sent back to the sign-in screen, so it can say so. */
  readonly signOutReason = this.reason.asReadonly();

  constructor() {
    this.api.status().subscribe({
      next: (authenticated) => this.state.set(authenticated ? 'signed-in' : 'signed-out'),
      error: () => this.state.set('signed-out'),
    });
  }

  /** After POST /admin/session succeeded: the cookie is set. */
  signedInNow(): void {
    this.reason.set(null);
    this.state.set('signed-in');
  }

  signOut(reason: SignOutReason = 'manual'): void {
    if (reason === 'manual') this.api.signOut().subscribe({ error: () => undefined });
    this.reason.set(reason);
    this.state.set('signed-out');
  }

  /** A 401 on an admin call while signed in: the cookie expired or the token was changed server-side. */
  rejected(): void {
    if (this.state() === 'signed-in') this.signOut('expired');
  }
}
