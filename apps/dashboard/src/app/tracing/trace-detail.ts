import { ChangeDetectionStrategy, Component, computed, inject } from '@angular/core';
import { rxResource } from '@angular/core/rxjs-interop';
import { MatButtonModule } from '@angular/material/button';
import { MAT_DIALOG_DATA, MatDialogModule } from '@angular/material/dialog';
import type { TraceRecord } from '@mcp/contracts';
import { formatCost, formatCount, formatDateTime, formatMs } from '../core/format';
import { errorText } from '../core/http-error';
import { MaskPipe } from '../core/mask';
import { Sanitizer } from '../core/sanitizer';
import { CopyButton } from '../shared/copy-button';
import { Notice } from '../shared/notice';
import { StatusChip } from '../shared/status-chip';
import { TracingApi } from './tracing-api';

export interface TraceDetailData {
  id: string;
}

/** The stored payload as readable JSON, or why there is none. */
export function payloadText(trace: TraceRecord): string | null {
  if (trace.requestBody === undefined || trace.requestBody === null) return null;
  if (typeof trace.requestBody === 'string') return trace.requestBody;
  return JSON.stringify(trace.requestBody, null, 2);
}

@Component({
  selector: 'mcp-trace-detail',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [MatButtonModule, MatDialogModule, CopyButton, MaskPipe, Notice, StatusChip],
  templateUrl: './trace-detail.html',
  styleUrl: './trace-detail.scss',
})
export class TraceDetail {
  private readonly data = inject<TraceDetailData>(MAT_DIALOG_DATA);
  private readonly api = inject(TracingApi);
  private readonly sanitizer = inject(Sanitizer);

  protected readonly trace = rxResource({ params: () => this.data.id, stream: ({ params }) => this.api.get(params) });
  protected readonly record = computed(() => (this.trace.hasValue() ? this.trace.value() : undefined));
  protected readonly payload = computed(() => {
    const record = this.record();
    const text = record ? payloadText(record) : null;
    return text === null ? null : this.sanitizer.text(text);
  });

  protected readonly formatCost = formatCost;
  protected readonly formatCount = formatCount;
  protected readonly formatDateTime = formatDateTime;
  protected readonly formatMs = formatMs;
  protected readonly errorText = errorText;
}
