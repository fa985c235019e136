import { ChangeDetectionStrategy, Component, inject, signal } from '@angular/core';
import { MatButtonModule } from '@angular/material/button';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatInputModule } from '@angular/material/input';
import { Notice } from '../shared/notice';
import { AuthStore } from './auth-store';
import { toApiError } from './http-error';
import { SessionApi } from './session-api';

export function signInErrorText(error: unknown): string {
  const { status, message } = toApiError(error);
  if (status === 401) return 'This token was not accepted. Check ADMIN_TOKEN (or data/admin-token) on the server.';
  if (status === 429) return 'Too many wrong tokens from this address: wait a minute, then try again.';
  if (status === 0) return 'The server could not be reached. Is the proxy running?';
  return `Sign-in failed (${status}): ${message}`;
}

@Component({
  selector: 'mcp-sign-in',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [MatButtonModule, MatFormFieldModule, MatInputModule, Notice],
  templateUrl: './sign-in.html',
  styleUrl: './sign-in.scss',
})
export class SignIn {
  protected readonly auth = inject(AuthStore);
  private readonly api = inject(SessionApi);

  protected readonly token = signal('');
  protected readonly busy = signal(false);
  protected readonly error = signal<string | null>(null);

  protected submit(event: Event): void {
    event.preventDefault();
    const token = this.token().trim();
    if (token === '' || this.busy()) return;
    this.busy.set(true);
    this.error.set(null);
    this.api.signIn(token).subscribe({
      next: () => {
        this.busy.set(false);
        this.token.set('');
        this.auth.signedInNow();
      },
      error: (error: unknown) => {
        this.busy.set(false);
        this.error.set(signInErrorText(error));
      },
    });
  }
}
