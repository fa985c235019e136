import {
  ChangeDetectionStrategy,
  Component,
  DestroyRef,
  computed,
  inject,
  input,
  linkedSignal,
  output,
  signal,
} from '@angular/core';
import { MatButtonModule } from '@angular/material/button';
import { MatButtonToggleModule } from '@angular/material/button-toggle';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatInputModule } from '@angular/material/input';
import { MatProgressSpinnerModule } from '@angular/material/progress-spinner';
import type { AccountView, OAuthMethod, OAuthStartResponse } from '@mcp/contracts';
import { MaskPipe } from '../core/mask';
import { CopyButton } from '../shared/copy-button';
import { Countdown } from '../shared/countdown';
import { Notice } from '../shared/notice';
import { AccountsApi } from './accounts-api';
import { explainOAuthError, pastedInputProblem } from './oauth-errors';

export type WizardStep = 'email' | 'browser' | 'device' | 'success';
type BrowserFlow = Extract<OAuthStartResponse, { method: 'browser' }>;
type DeviceFlow = Extract<OAuthStartResponse, { method: 'device' }>;

const EMAIL_SHAPE = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** Email → Start → open the login link → paste the redirect URL → Complete; or the device-code path. */
@Component({
  selector: 'mcp-onboarding-wizard',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [
    MatButtonModule,
    MatButtonToggleModule,
    MatFormFieldModule,
    MatInputModule,
    MatProgressSpinnerModule,
    CopyButton,
    Countdown,
    MaskPipe,
    Notice,
  ],
  templateUrl: './onboarding-wizard.html',
  styleUrl: './onboarding-wizard.scss',
})
export class OnboardingWizard {
  /** Set for a re-login: the flow then updates this account instead of creating one. */
  readonly target = input<AccountView | null>(null);
  readonly completed = output<AccountView>();
  readonly closed = output<void>();

  private readonly api = inject(AccountsApi);
  private pollTimer: ReturnType<typeof setTimeout> | undefined;

  protected readonly step = signal<WizardStep>('email');
  protected readonly email = linkedSignal(() => this.target()?.email ?? '');
  protected readonly method = signal<OAuthMethod>('browser');
  protected readonly browserFlow = signal<BrowserFlow | null>(null);
  protected readonly deviceFlow = signal<DeviceFlow | null>(null);
  protected readonly pasted = signal('');
  protected readonly busy = signal(false);
  protected readonly error = signal<string | null>(null);
  protected readonly result = signal<{ account: AccountView; warning?: string } | null>(null);
  protected readonly emailInvalid = computed(
    () => this.email().trim() !== '' && !EMAIL_SHAPE.test(this.email().trim()),
  );

  constructor() {
    inject(DestroyRef).onDestroy(() => this.stopPolling());
  }

  protected start(): void {
    if (this.busy() || this.emailInvalid()) return;
    this.busy.set(true);
    this.error.set(null);
    const email = this.email().trim();
    this.api.startOAuth({ email: email || undefined, accountId: this.target()?.id, method: this.method() }).subscribe({
      next: (flow) => {
        this.busy.set(false);
        if (flow.method === 'browser') {
          this.browserFlow.set(flow);
          this.step.set('browser');
        } else {
          this.deviceFlow.set(flow);
          this.step.set('device');
          this.schedulePoll(flow.flowId, flow.intervalSeconds);
        }
      },
      error: (error: unknown) => this.fail(explainOAuthError(error, 'start')),
    });
  }

  protected complete(): void {
    const flow = this.browserFlow();
    if (!flow || this.busy()) return;
    const problem = pastedInputProblem(this.pasted());
    if (problem) {
      this.error.set(problem);
      return;
    }
    this.busy.set(true);
    this.error.set(null);
    this.api.completeOAuth(flow.flowId, this.pasted().trim()).subscribe({
      next: (reply) => this.succeed(reply.account, reply.warning),
      error: (error: unknown) => this.fail(explainOAuthError(error, 'complete')),
    });
  }

  protected restart(): void {
    this.stopPolling();
    this.browserFlow.set(null);
    this.deviceFlow.set(null);
    this.pasted.set('');
    this.error.set(null);
    this.result.set(null);
    this.busy.set(false);
    this.step.set('email');
  }

  protected close(): void {
    this.stopPolling();
    this.closed.emit();
  }

  private schedulePoll(flowId: string, intervalSeconds: number): void {
    this.stopPolling();
    this.pollTimer = setTimeout(() => this.poll(flowId), Math.max(1, intervalSeconds) * 1000);
  }

  private poll(flowId: string): void {
    this.pollTimer = undefined;
    this.api.pollDevice(flowId).subscribe({
      next: (reply) => {
        if (reply.status === 'pending') this.schedulePoll(flowId, reply.intervalSeconds);
        else this.succeed(reply.account, reply.warning);
      },
      error: (error: unknown) => this.fail(explainOAuthError(error, 'poll')),
    });
  }

  private stopPolling(): void {
    if (this.pollTimer !== undefined) clearTimeout(this.pollTimer);
    this.pollTimer = undefined;
  }

  private succeed(account: AccountView, warning?: string): void {
    this.stopPolling();
    this.busy.set(false);
    this.result.set({ account, warning });
    this.step.set('success');
    this.completed.emit(account);
  }

  private fail(message: string): void {
    this.busy.set(false);
    this.error.set(message);
  }
}
