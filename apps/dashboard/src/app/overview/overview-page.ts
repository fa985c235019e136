import { ChangeDetectionStrategy, Component, DestroyRef, computed, inject, signal } from '@angular/core';
import { rxResource } from '@angular/core/rxjs-interop';
import { MatButtonModule } from '@angular/material/button';
import { MatButtonToggleModule } from '@angular/material/button-toggle';
import { RouterLink } from '@angular/router';
import type { AccountView } from '@mcp/contracts';
import { AccountList } from '../core/account-list';
import { Clock } from '../core/clock';
import { formatCost, formatCount, formatMs, formatPercent } from '../core/format';
import { errorText } from '../core/http-error';
import { latestValue } from '../core/latest';
import { MaskPipe } from '../core/mask';
import { ChartView } from '../shared/chart-view';
import { Countdown } from '../shared/countdown';
import { Notice } from '../shared/notice';
import { StatusChip } from '../shared/status-chip';
import { UsageBar } from '../shared/usage-bar';
import { OverviewApi } from './overview-api';
import { STATS_RANGES, type StatsRange, costChart, fillBuckets, requestsChart, tokensChart } from './overview-charts';
import { forecastSummary } from './pool-forecast';
import { accountHealth, poolHealth, soonestCapacity } from './pool-health';

const AUTO_REFRESH_MS = 60_000;

@Component({
  selector: 'mcp-overview-page',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [
    MatButtonModule,
    MatButtonToggleModule,
    RouterLink,
    ChartView,
    Countdown,
    Notice,
    StatusChip,
    UsageBar,
    MaskPipe,
  ],
  templateUrl: './overview-page.html',
  styleUrl: './overview-page.scss',
})
export class OverviewPage {
  private readonly api = inject(OverviewApi);
  private readonly accountsSource = inject(AccountList);
  private readonly clock = inject(Clock);

  protected readonly ranges = STATS_RANGES;
  protected readonly rangeId = signal<StatsRange['id']>('24h');
  protected readonly range = computed(() => STATS_RANGES.find((r) => r.id === this.rangeId()) ?? STATS_RANGES[0]!);
  /** The end of the stats window: moved forward on every refresh. */
  private readonly windowEnd = signal(Date.now());
  private readonly window = computed(() => {
    const untilMs = this.windowEnd();
    return { sinceMs: untilMs - this.range().spanMs, untilMs, bucketMs: this.range().bucketMs };
  });

  protected readonly accounts = rxResource({ stream: () => this.accountsSource.load() });
  protected readonly forecast = rxResource({ stream: () => this.api.forecast() });
  protected readonly traceStats = rxResource({
    params: () => this.window(),
    stream: ({ params }) => this.api.traceStats(params),
  });
  protected readonly usageStats = rxResource({
    params: () => ({ sinceMs: this.window().sinceMs, untilMs: this.window().untilMs }),
    stream: ({ params }) => this.api.usageStats(params),
  });

  protected readonly accountList = computed<AccountView[]>(() =>
    this.accounts.hasValue() ? this.accounts.value() : [],
  );
  protected readonly health = computed(() => poolHealth(this.accountList(), this.clock.now()));
  protected readonly capacity = computed(() => soonestCapacity(this.accountList(), this.clock.now()));
  protected readonly capacityAt = computed(() => {
    const capacity = this.capacity();
    return capacity.state === 'later' ? capacity.at : null;
  });
  protected readonly outlook = computed(() =>
    forecastSummary(this.forecast.hasValue() ? this.forecast.value() : undefined, this.clock.now()),
  );
  protected readonly rows = computed(() =>
    this.accountList().map((account) => ({ account, health: accountHealth(account, this.clock.now()) })),
  );

  private readonly latestUsage = latestValue(this.usageStats);
  private readonly latestTraceStats = latestValue(this.traceStats);
  protected readonly totals = computed(() => this.latestUsage()?.totals);
  private readonly series = computed(() => {
    const stats = this.latestTraceStats();
    if (!stats) return [];
    const filters = stats.filters;
    const { sinceMs, untilMs, bucketMs } = this.window();
    // Laid out on the window the data was asked for, which lags the selected one while it loads.
    return fillBuckets(
      stats.stats.timeseries,
      filters?.sinceMs ?? sinceMs,
      filters?.untilMs ?? untilMs,
      filters?.bucketMs ?? bucketMs,
    );
  });
  protected readonly hasStats = computed(() => this.latestTraceStats() !== undefined);
  protected readonly hasTraffic = computed(() => this.series().some((point) => point.requests > 0));
  private readonly seriesBucketMs = computed(
    () => this.latestTraceStats()?.filters?.bucketMs ?? this.window().bucketMs,
  );
  protected readonly requestsConfig = computed(() => requestsChart(this.series(), this.seriesBucketMs()));
  protected readonly tokensConfig = computed(() => tokensChart(this.series(), this.seriesBucketMs()));
  protected readonly costConfig = computed(() => costChart(this.series(), this.seriesBucketMs()));

  protected readonly formatCount = formatCount;
  protected readonly formatCost = formatCost;
  protected readonly formatMs = formatMs;
  protected readonly formatPercent = formatPercent;
  protected readonly errorText = errorText;

  constructor() {
    const timer = setInterval(() => this.refresh(), AUTO_REFRESH_MS);
    inject(DestroyRef).onDestroy(() => clearInterval(timer));
  }

  protected selectRange(id: StatsRange['id']): void {
    this.windowEnd.set(Date.now());
    this.rangeId.set(id);
  }

  protected refresh(): void {
    this.windowEnd.set(Date.now());
    this.accounts.reload();
    this.forecast.reload();
  }
}
