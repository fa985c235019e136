import { ChangeDetectionStrategy, Component, computed, input } from '@angular/core';

const LABELS: Record<string, string> = {
  available: 'Available',
  usable: 'Available',
  blocked: 'Blocked',
  needs_reauth: 'Needs re-login',
  disabled: 'Disabled',
  ok: 'OK',
  error: 'Error',
};

/** A coloured pill for an account or request status. */
@Component({
  selector: 'mcp-status-chip',
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `<span class="chip" [class]="tone()" [attr.data-status]="status()">{{ text() }}</span>`,
  styles: `
    .chip {
      display: inline-flex;
      align-items: center;
      gap: 6px;
      padding: 2px 10px;
      border-radius: 999px;
      font: var(--mat-sys-label-medium);
      white-space: nowrap;
      background: var(--mat-sys-surface-container-high);
      color: var(--mat-sys-on-surface-variant);
    }
    .chip::before {
      content: '';
      width: 7px;
      height: 7px;
      border-radius: 50%;
      background: currentColor;
    }
    .good {
      background: color-mix(in srgb, #2e9d6a 16%, transparent);
      color: #1f7a50;
    }
    .warn {
      background: color-mix(in srgb, #d9a21b 20%, transparent);
      color: #8a6100;
    }
    .bad {
      background: var(--mat-sys-error-container);
      color: var(--mat-sys-on-error-container);
    }
    @media (prefers-color-scheme: dark) {
      .good {
        color: #6fd3a3;
      }
      .warn {
        color: #f0c566;
      }
    }
  `,
})
export class StatusChip {
  readonly status = input.required<string>();
  readonly label = input<string | null>(null);

  protected readonly text = computed(() => this.label() ?? LABELS[this.status()] ?? this.status());
  protected readonly tone = computed(() => {
    switch (this.status()) {
      case 'available':
      case 'usable':
      case 'ok':
        return 'chip good';
      case 'blocked':
        return 'chip warn';
      case 'needs_reauth':
      case 'error':
        return 'chip bad';
      default:
        return 'chip';
    }
  });
}
