import { ChangeDetectionStrategy, Component, inject, input, signal } from '@angular/core';
import { MatButtonModule } from '@angular/material/button';
import { firstValueFrom } from 'rxjs';
import type { AnthropicModelMapView } from '@mcp/contracts';
import { errorText } from '../core/http-error';
import { CopyButton } from '../shared/copy-button';
import { Notice } from '../shared/notice';
import { ClaudeCodeApi } from './claude-code-api';
import { CLAUDE_CODE_USAGE, type MapRow, claudeCodeEnv, mapRows, rowsToMap } from './claude-code-snippets';

/** Docs → Claude Code: the environment to set, how to run it, and the model map editor (PROTOCOL §14). */
@Component({
  selector: 'mcp-claude-code-section',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [CopyButton, Notice, MatButtonModule],
  templateUrl: './claude-code-section.html',
  styleUrl: './claude-code-section.scss',
})
export class ClaudeCodeSection {
  private readonly api = inject(ClaudeCodeApi);
  readonly origin = input.required<string>();
  readonly keysRequired = input(true);

  protected readonly view = signal<AnthropicModelMapView | null>(null);
  protected readonly rows = signal<MapRow[]>([]);
  protected readonly saving = signal(false);
  protected readonly error = signal<string | null>(null);
  protected readonly saved = signal(false);
  protected readonly usage = CLAUDE_CODE_USAGE;

  constructor() {
    void this.load();
  }

  protected env(): string {
    return claudeCodeEnv({ origin: this.origin(), keysRequired: this.keysRequired() });
  }

  protected edit(index: number, field: keyof MapRow, value: string): void {
    this.rows.update((rows) => rows.map((row, i) => (i === index ? { ...row, [field]: value } : row)));
    this.saved.set(false);
  }

  protected addRow(): void {
    this.rows.update((rows) => [...rows, { key: '', model: '' }]);
  }

  protected removeRow(index: number): void {
    this.rows.update((rows) => rows.filter((_, i) => i !== index));
    this.saved.set(false);
  }

  protected save(): Promise<void> {
    return this.apply(() => firstValueFrom(this.api.saveModelMap(rowsToMap(this.rows()))));
  }

  protected reset(): Promise<void> {
    return this.apply(() => firstValueFrom(this.api.resetModelMap()));
  }

  private async load(): Promise<void> {
    try {
      this.show(await firstValueFrom(this.api.modelMap()));
    } catch (error: unknown) {
      this.error.set(`Could not load the model map: ${errorText(error)}`);
    }
  }

  private async apply(call: () => Promise<AnthropicModelMapView>): Promise<void> {
    this.saving.set(true);
    this.error.set(null);
    try {
      this.show(await call());
      this.saved.set(true);
    } catch (error: unknown) {
      this.error.set(errorText(error));
    } finally {
      this.saving.set(false);
    }
  }

  private show(view: AnthropicModelMapView): void {
    this.view.set(view);
    this.rows.set(mapRows(view.map));
  }
}
