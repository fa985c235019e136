import { ChangeDetectionStrategy, Component, inject, input } from '@angular/core';
import { MatButtonModule } from '@angular/material/button';
import { MatSnackBar } from '@angular/material/snack-bar';

/** The Clipboard API exists only in secure contexts; a VPS dashboard is often plain http. */
export async function copyText(text: string): Promise<boolean> {
  if (navigator.clipboard && window.isSecureContext) {
    try {
      await navigator.clipboard.writeText(text);
      return true;
    } catch {
      // Fall through to the legacy path.
    }
  }
  const area = document.createElement('textarea');
  area.value = text;
  area.setAttribute('readonly', '');
  area.style.position = 'fixed';
  area.style.opacity = '0';
  document.body.appendChild(area);
  area.select();
  let copied = false;
  try {
    copied = document.execCommand('copy');
  } catch {
    copied = false;
  }
  area.remove();
  return copied;
}

@Component({
  selector: 'mcp-copy-button',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [MatButtonModule],
  template: `<button mat-stroked-button type="button" (click)="copy()" [attr.data-testid]="testId()">
    {{ label() }}
  </button>`,
})
export class CopyButton {
  readonly text = input.required<string>();
  readonly label = input('Copy');
  readonly testId = input<string | null>(null);
  private readonly snackBar = inject(MatSnackBar);

  protected async copy(): Promise<void> {
    const copied = await copyText(this.text());
    this.snackBar.open(
      copied ? 'Copied to the clipboard' : 'Copy failed: select the text and copy it by hand',
      undefined,
      {
        duration: 2500,
      },
    );
  }
}
