import { ChangeDetectionStrategy, Component, computed, inject, signal } from '@angular/core';
import { rxResource } from '@angular/core/rxjs-interop';
import { MatButtonModule } from '@angular/material/button';
import { MatDialog } from '@angular/material/dialog';
import { MatSnackBar } from '@angular/material/snack-bar';
import type { AccountView } from '@mcp/contracts';
import { type Observable, defer, filter, finalize, switchMap } from 'rxjs';
import { AccountList } from '../core/account-list';
import { errorText } from '../core/http-error';
import { Sanitizer } from '../core/sanitizer';
import { ConfirmDialog, type ConfirmData } from '../shared/confirm-dialog';
import { Notice } from '../shared/notice';
import { AccountCard, type AccountAction } from './account-card';
import { sortAccounts, upsertAccount } from './account-rules';
import { AccountsApi } from './accounts-api';
import { OnboardingWizard } from './onboarding-wizard';

/** The wizard is closed, adding a new account, or renewing the login of one. */
type WizardState = { open: false } | { open: true; target: AccountView | null };

@Component({
  selector: 'mcp-accounts-page',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [MatButtonModule, AccountCard, Notice, OnboardingWizard],
  templateUrl: './accounts-page.html',
  styleUrl: './accounts-page.scss',
})
export class AccountsPage {
  private readonly api = inject(AccountsApi);
  private readonly accountsSource = inject(AccountList);
  private readonly dialog = inject(MatDialog);
  private readonly snackBar = inject(MatSnackBar);
  private readonly sanitizer = inject(Sanitizer);

  protected readonly accounts = rxResource({ stream: () => this.accountsSource.load() });
  protected readonly sorted = computed(() => (this.accounts.hasValue() ? sortAccounts(this.accounts.value()) : []));
  protected readonly wizard = signal<WizardState>({ open: false });
  protected readonly wizardTarget = computed(() => {
    const state = this.wizard();
    return state.open ? state.target : null;
  });
  protected readonly busyIds = signal<ReadonlySet<string>>(new Set());
  protected readonly refreshingAll = signal(false);
  protected readonly actionError = signal<string | null>(null);
  protected readonly errorText = errorText;

  protected openWizard(target: AccountView | null = null): void {
    this.wizard.set({ open: true, target });
    if (typeof window !== 'undefined') window.scrollTo({ top: 0, behavior: 'smooth' });
  }

  protected onboarded(account: AccountView): void {
    this.store(account);
  }

  protected onAction(account: AccountView, action: AccountAction): void {
    switch (action) {
      case 'refresh':
        this.run(account, this.api.refreshUsage(account.id), 'Usage refreshed');
        break;
      case 'unblock':
        this.run(account, this.api.unblock(account.id), 'Blocks cleared');
        break;
      case 'relogin':
        this.openWizard(account);
        break;
      case 'delete':
        this.confirmDelete(account);
        break;
    }
  }

  protected setEnabled(account: AccountView, enabled: boolean): void {
    this.run(account, this.api.patch(account.id, { enabled }), enabled ? 'Account enabled' : 'Account disabled');
  }

  protected setPriority(account: AccountView, priority: number): void {
    this.run(account, this.api.patch(account.id, { priority }), `Priority set to ${priority}`);
  }

  protected refreshAll(): void {
    this.refreshingAll.set(true);
    this.actionError.set(null);
    this.api.refreshAllUsage().subscribe({
      next: (reply) => {
        this.refreshingAll.set(false);
        this.accounts.set(reply.accounts);
        if (reply.errors.length > 0) {
          const details = reply.errors.map(
            (e) => `${this.sanitizer.id(e.accountId)}: ${this.sanitizer.text(e.message)}`,
          );
          this.actionError.set(`Some accounts could not be probed. ${details.join('; ')}`);
        } else {
          this.snackBar.open('Usage refreshed for every account', undefined, { duration: 2500 });
        }
      },
      error: (error: unknown) => {
        this.refreshingAll.set(false);
        this.actionError.set(`Refreshing usage failed: ${errorText(error)}`);
      },
    });
  }

  private confirmDelete(account: AccountView): void {
    const data: ConfirmData = {
      title: 'Delete this account?',
      message: `${this.sanitizer.email(account.email) || this.sanitizer.id(account.id)} will leave the pool and its tokens will be erased. Traces keep its id.`,
      confirmLabel: 'Delete',
    };
    this.dialog
      .open<ConfirmDialog, ConfirmData, boolean>(ConfirmDialog, { data, width: '420px' })
      .afterClosed()
      .pipe(
        filter((confirmed) => confirmed === true),
        switchMap(() => this.withBusy(account.id, this.api.remove(account.id))),
      )
      .subscribe({
        next: () => {
          this.accounts.update((list) => (list ?? []).filter((a) => a.id !== account.id));
          this.snackBar.open('Account deleted', undefined, { duration: 2500 });
        },
        error: (error: unknown) => this.actionError.set(`Delete failed: ${errorText(error)}`),
      });
  }

  private run(account: AccountView, call: Observable<AccountView>, done: string): void {
    this.actionError.set(null);
    this.withBusy(account.id, call).subscribe({
      next: (updated) => {
        this.store(updated);
        this.snackBar.open(done, undefined, { duration: 2000 });
      },
      error: (error: unknown) => {
        this.actionError.set(
          `${this.sanitizer.email(account.email) || this.sanitizer.id(account.id)}: ${errorText(error)}`,
        );
        // The card shows the server's truth again (a refused toggle flips back).
        this.accounts.reload();
      },
    });
  }

  /** Marks the card busy for as long as the call runs, whatever its outcome. */
  private withBusy<T>(id: string, call: Observable<T>): Observable<T> {
    return defer(() => {
      this.busyIds.update((ids) => new Set([...ids, id]));
      return call.pipe(
        finalize(() =>
          this.busyIds.update((ids) => {
            const next = new Set(ids);
            next.delete(id);
            return next;
          }),
        ),
      );
    });
  }

  private store(account: AccountView): void {
    this.accounts.update((list) => upsertAccount(list ?? [], account));
  }
}
