import { ChangeDetectionStrategy, Component, computed, inject, input } from '@angular/core';
import { Sanitizer } from '../core/sanitizer';
import { CopyButton } from '../shared/copy-button';
import { CODEX_USAGE_CHECK, SANITIZED_ORIGIN, codexKeyNote, codexModes, type CodexModeContext } from './codex-modes';

/** Docs → Codex: a config for each mode Codex can use with the gateway, and what each buys (PROTOCOL §13). */
@Component({
  selector: 'mcp-codex-section',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [CopyButton],
  templateUrl: './codex-section.html',
  styleUrl: './codex-section.scss',
})
export class CodexSection {
  private readonly sanitizer = inject(Sanitizer);
  readonly origin = input.required<string>();
  readonly model = input.required<string>();
  readonly keysRequired = input(true);

  private readonly context = computed<CodexModeContext>(() => ({
    // Sanitized mode is for screenshots: the server's own address stays out of them.
    origin: this.sanitizer.enabled() ? SANITIZED_ORIGIN : this.origin(),
    model: this.model(),
    keysRequired: this.keysRequired(),
  }));
  protected readonly modes = computed(() => codexModes(this.context()));
  protected readonly keyNote = computed(() => codexKeyNote(this.context()));
  protected readonly usageCheck = CODEX_USAGE_CHECK;
}
