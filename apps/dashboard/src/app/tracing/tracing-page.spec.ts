import { provideHttpClient } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { type ComponentFixture, TestBed } from '@angular/core/testing';
import { MATERIAL_ANIMATIONS } from '@angular/material/core';
import { traceSummary } from '../../testing/builders';
import { TracingPage } from './tracing-page';

const STATS = {
  totals: { requests: 2, errors: 1, tokensTotal: 240, costUsd: 0.002, latencyP50Ms: 1000, latencyP95Ms: 2000 },
  models: [{ model: 'gpt-5.3-codex' }],
  timeseries: [],
};

describe('TracingPage', () => {
  let fixture: ComponentFixture<TracingPage>;
  let backend: HttpTestingController;
  let element: HTMLElement;

  beforeEach(async () => {
    TestBed.configureTestingModule({
      providers: [
        provideHttpClient(),
        provideHttpClientTesting(),
        { provide: MATERIAL_ANIMATIONS, useValue: { animationsDisabled: true } },
      ],
    });
    backend = TestBed.inject(HttpTestingController);
    fixture = TestBed.createComponent(TracingPage);
    fixture.detectChanges();
    backend.expectOne('/admin/accounts').flush({ accounts: [] });
    const page = backend.expectOne((r) => r.url === '/admin/traces');
    expect(page.request.params.get('page')).toBe('1');
    expect(page.request.params.get('pageSize')).toBe('25');
    expect(page.request.params.has('sinceMs')).toBe(true);
    page.flush({
      traces: [
        traceSummary('tr-1'),
        traceSummary('tr-2', { status: 502, isError: true, accountEmail: 'bob@example.com' }),
      ],
      pagination: { page: 1, pageSize: 25, total: 2, totalPages: 1, hasPrev: false, hasNext: false },
      stats: STATS,
    });
    await fixture.whenStable();
    element = fixture.nativeElement as HTMLElement;
  });

  afterEach(() => {
    backend.verify();
    document.querySelector('.cdk-overlay-container')?.remove();
  });

  const rows = () => [...element.querySelectorAll<HTMLElement>('[data-testid="trace-row"]')];

  it('shows one row per trace with its route, account, status, latency and tokens', () => {
    expect(rows()).toHaveLength(2);
    const first = rows()[0]!.textContent!;
    expect(first).toContain('/v1/chat/completions');
    expect(first).toContain('dev@example.com');
    expect(first).toContain('1.23 s');
    expect(first).toContain('120');
    expect(rows()[1]!.classList).toContain('error-row');
    expect(element.querySelector('[data-testid="trace-summary"]')!.textContent).toContain('1 errors');
  });

  it('asks again from page one with the errors-only filter', async () => {
    element.querySelector<HTMLElement>('[data-testid="filter-errors"] button')!.click();
    fixture.detectChanges();
    const request = backend.expectOne((r) => r.url === '/admin/traces');
    expect(request.request.params.get('isError')).toBe('true');
    expect(request.request.params.get('page')).toBe('1');
    request.flush({
      traces: [],
      pagination: { page: 1, pageSize: 25, total: 0, totalPages: 1, hasPrev: false, hasNext: false },
      stats: STATS,
    });
    await fixture.whenStable();
    expect(element.textContent).toContain('No request matches');
  });

  it('opens the detail of a clicked trace with its attempts and payload', async () => {
    rows()[0]!.click();
    fixture.detectChanges();
    backend.expectOne('/admin/traces/tr-1').flush({
      trace: {
        ...traceSummary('tr-1'),
        requestBody: { model: 'gpt-5.3-codex', messages: [{ role: 'user', content: 'hi' }] },
      },
    });
    await fixture.whenStable();
    const detail = document.querySelector<HTMLElement>('[data-testid="trace-detail"]')!;
    expect(detail.querySelector('[data-testid="trace-latency"]')!.textContent).toContain('1.23 s');
    expect(detail.querySelector('[data-testid="trace-tokens"]')!.textContent).toContain('120');
    expect(detail.querySelector('[data-testid="trace-payload"]')!.textContent).toContain('"content": "hi"');
    expect(detail.textContent).toContain('Attempts');
  });
});
