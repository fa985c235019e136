import { ChangeDetectionStrategy, Component, input, output } from '@angular/core';
import { MatButtonModule } from '@angular/material/button';
import { MatProgressSpinnerModule } from '@angular/material/progress-spinner';

export type NoticeKind = 'loading' | 'empty' | 'error' | 'info' | 'warning';

/** The loading, empty and error states, shown where the data would be. */
@Component({
  selector: 'mcp-notice',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [MatButtonModule, MatProgressSpinnerModule],
  template: `
    <div class="notice" [class]="kind()" [attr.role]="kind() === 'error' ? 'alert' : 'status'">
      @if (kind() === 'loading') {
        <mat-progress-spinner mode="indeterminate" diameter="20" />
      }
      <span class="text"><ng-content /></span>
      @if (retryable()) {
        <button mat-button type="button" (click)="retry.emit()">Retry</button>
      }
    </div>
  `,
  styleUrl: './notice.scss',
})
export class Notice {
  readonly kind = input<NoticeKind>('info');
  readonly retryable = input(false);
  readonly retry = output<void>();
}
