import { provideHttpClient } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { TestBed } from '@angular/core/testing';
import { provideRouter } from '@angular/router';
import type { AccountView, PoolForecast } from '@mcp/contracts';
import { HOUR, accountView, exhaustedAccount } from '../../testing/builders';
import { FakeChart } from '../../testing/fake-chart';
import { ChartView } from '../shared/chart-view';
import { OverviewPage } from './overview-page';

describe('OverviewPage', () => {
  beforeEach(() => {
    TestBed.configureTestingModule({ providers: [provideHttpClient(), provideHttpClientTesting(), provideRouter([])] });
    TestBed.overrideComponent(OverviewPage, { remove: { imports: [ChartView] }, add: { imports: [FakeChart] } });
  });

  const calmForecast = (now: number): PoolForecast => ({
    model: null,
    generatedAt: now,
    requestsPerHour: 90,
    observedMinutes: 60,
    requestsLeft: 300,
    exhaustedNow: false,
    dryAt: now + 2 * HOUR + 30 * 60_000,
    capacityBackAt: now + 4 * HOUR,
    capacityBackAccountId: 'a',
    relativeError: 0.1,
    horizonMs: 8 * 24 * HOUR,
    basis: 'ok',
    accounts: [],
  });

  async function render(accounts: AccountView[], requestsPerBucket: number, forecast = calmForecast(Date.now())) {
    const fixture = TestBed.createComponent(OverviewPage);
    fixture.detectChanges();
    const backend = TestBed.inject(HttpTestingController);
    backend.expectOne('/admin/accounts').flush({ accounts });
    backend.expectOne('/admin/forecast').flush(forecast);
    const stats = backend.expectOne((r) => r.url === '/admin/stats/traces');
    const since = Number(stats.request.params.get('sinceMs'));
    expect(Number(stats.request.params.get('untilMs')) - since).toBe(24 * HOUR);
    expect(stats.request.params.get('bucketMs')).toBe(String(HOUR));
    const point = {
      at: since,
      requests: requestsPerBucket,
      errors: 0,
      costUsd: 0,
      latencyP50Ms: 0,
      latencyP95Ms: 0,
      tokensInput: 0,
      tokensInputCached: 0,
      tokensOutput: 0,
      tokensReasoning: 0,
      tokensTotal: 0,
    };
    stats.flush({ ok: true, stats: { timeseries: requestsPerBucket ? [point] : [], totals: {}, models: [] } });
    backend
      .expectOne((r) => r.url === '/admin/stats/usage')
      .flush({
        ok: true,
        totals: { requests: requestsPerBucket, errors: 0, errorRate: 0, tokens: { total: 0, cached: 0 }, costUsd: 0 },
      });
    await fixture.whenStable();
    backend.verify();
    const element = fixture.nativeElement as HTMLElement;
    return (id: string) => element.querySelector(`[data-testid="${id}"]`)?.textContent?.trim() ?? '';
  }

  it('shows pool health and that capacity is available while one account can serve', async () => {
    const now = Date.now();
    const text = await render(
      [
        accountView('a'),
        exhaustedAccount('b', now + HOUR, now),
        accountView('c', { status: 'needs_reauth' }, { needsReauth: true }),
      ],
      7,
    );
    expect(text('usable-count')).toMatch(/^1\s*of 3/);
    expect(text('blocked-count')).toBe('1');
    expect(text('reauth-count')).toBe('1');
    expect(text('pool-capacity')).toContain('Available');
    expect(text('total-requests')).toBe('7');
    expect(text('pool-forecast-headline')).toMatch(/^At this pace the pool lasts until /);
    expect(text('pool-forecast')).toMatch(/in 2h (29|30)m \(±10 %\) at 90 requests an hour; capacity returns at/);
  });

  it('counts down to the soonest reset when every account is exhausted', async () => {
    const now = Date.now();
    const text = await render(
      [exhaustedAccount('a', now + 3 * HOUR, now), exhaustedAccount('b', now + 2 * HOUR + 30 * 60_000, now)],
      0,
    );
    expect(text('usable-count')).toMatch(/^0/);
    expect(text('pool-capacity')).toMatch(/in 2h (29|30)m/);
  });
});
