import { ChangeDetectionStrategy, Component, computed, effect, inject, input, signal, untracked } from '@angular/core';
import { rxResource } from '@angular/core/rxjs-interop';
import { MatButtonModule } from '@angular/material/button';
import { MatDialog } from '@angular/material/dialog';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatInputModule } from '@angular/material/input';
import { MatPaginatorModule, type PageEvent } from '@angular/material/paginator';
import { MatProgressBarModule } from '@angular/material/progress-bar';
import { MatSelectModule } from '@angular/material/select';
import { MatSlideToggleModule } from '@angular/material/slide-toggle';
import { MatTableModule } from '@angular/material/table';
import type { TraceSummary } from '@mcp/contracts';
import { AccountList } from '../core/account-list';
import { formatCost, formatCount, formatDateTime, formatMs } from '../core/format';
import { errorText } from '../core/http-error';
import { latestValue } from '../core/latest';
import { MaskPipe } from '../core/mask';
import { Notice } from '../shared/notice';
import { TraceDetail, type TraceDetailData } from './trace-detail';
import {
  EMPTY_FILTERS,
  KNOWN_ROUTES,
  TIME_RANGES,
  type TraceFilterForm,
  activeFilterCount,
  toTraceFilters,
} from './trace-query';
import { TracingApi } from './tracing-api';

export const TRACE_COLUMNS = [
  'time',
  'route',
  'model',
  'account',
  'status',
  'latency',
  'ttfb',
  'tokens',
  'cost',
] as const;

/** Saves a blob under a name: the only way to download a response that needed a header. */
function saveBlob(blob: Blob, filename: string): void {
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = filename;
  document.body.appendChild(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

@Component({
  selector: 'mcp-tracing-page',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [
    MatButtonModule,
    MatFormFieldModule,
    MatInputModule,
    MatPaginatorModule,
    MatProgressBarModule,
    MatSelectModule,
    MatSlideToggleModule,
    MatTableModule,
    MaskPipe,
    Notice,
  ],
  templateUrl: './tracing-page.html',
  styleUrl: './tracing-page.scss',
})
export class TracingPage {
  /** `?trace=<id>` opens that trace (the Playground links to its reply this way). */
  readonly trace = input<string | undefined>(undefined);

  private readonly api = inject(TracingApi);
  private readonly accountsSource = inject(AccountList);
  private readonly dialog = inject(MatDialog);

  protected readonly columns = TRACE_COLUMNS;
  protected readonly ranges = TIME_RANGES;
  protected readonly routes = KNOWN_ROUTES;
  protected readonly form = signal<TraceFilterForm>(EMPTY_FILTERS);
  protected readonly pageIndex = signal(0);
  protected readonly pageSize = signal(25);
  /** The moment the time range is measured from: fixed until the user refreshes, so paging is stable. */
  private readonly anchor = signal(Date.now());
  private readonly filters = computed(() => toTraceFilters(this.form(), this.anchor()));

  protected readonly traces = rxResource({
    params: () => ({ filters: this.filters(), page: this.pageIndex() + 1, pageSize: this.pageSize() }),
    stream: ({ params }) => this.api.page(params.filters, params.page, params.pageSize),
  });
  protected readonly accounts = rxResource({ stream: () => this.accountsSource.load(), defaultValue: [] });
  private readonly seenModels = signal<ReadonlySet<string>>(new Set());
  protected readonly models = computed(() => [...this.seenModels()].sort());
  private readonly latest = latestValue(this.traces);
  protected readonly loaded = computed(() => this.latest() !== undefined);
  protected readonly rows = computed<TraceSummary[]>(() => this.latest()?.traces ?? []);
  protected readonly total = computed(() => this.latest()?.pagination.total ?? 0);
  protected readonly stats = computed(() => this.latest()?.stats.totals);
  protected readonly filterCount = computed(() => activeFilterCount(this.form()));
  protected readonly exporting = signal(false);
  protected readonly exportError = signal<string | null>(null);

  protected readonly formatCost = formatCost;
  protected readonly formatCount = formatCount;
  protected readonly formatDateTime = formatDateTime;
  protected readonly formatMs = formatMs;
  protected readonly errorText = errorText;

  constructor() {
    effect(() => {
      if (!this.traces.hasValue()) return;
      const names = this.traces
        .value()
        .stats.models.map((m) => m.model)
        .filter((m) => m && m !== 'unknown');
      untracked(() =>
        this.seenModels.update((seen) => (names.every((n) => seen.has(n)) ? seen : new Set([...seen, ...names]))),
      );
    });
    effect(() => {
      const id = this.trace();
      if (id) untracked(() => this.open(id));
    });
  }

  protected patchForm(patch: Partial<TraceFilterForm>): void {
    this.form.update((form) => ({ ...form, ...patch }));
    this.anchor.set(Date.now());
    this.pageIndex.set(0);
  }

  protected clearFilters(): void {
    this.form.set(EMPTY_FILTERS);
    this.anchor.set(Date.now());
    this.pageIndex.set(0);
  }

  protected refresh(): void {
    this.anchor.set(Date.now());
    this.traces.reload();
  }

  protected onPage(event: PageEvent): void {
    this.pageSize.set(event.pageSize);
    this.pageIndex.set(event.pageIndex);
  }

  protected open(id: string): void {
    this.dialog.open<TraceDetail, TraceDetailData>(TraceDetail, {
      data: { id },
      width: '880px',
      maxWidth: '96vw',
      autoFocus: false,
    });
  }

  protected exportTraces(): void {
    this.exporting.set(true);
    this.exportError.set(null);
    this.api.export(this.filters()).subscribe({
      next: ({ blob, filename }) => {
        this.exporting.set(false);
        saveBlob(blob, filename);
      },
      error: (error: unknown) => {
        this.exporting.set(false);
        this.exportError.set(`Export failed: ${errorText(error)}`);
      },
    });
  }
}
