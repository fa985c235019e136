import { provideHttpClient } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { TestBed } from '@angular/core/testing';
import { firstValueFrom } from 'rxjs';
import { OverviewApi } from './overview-api';

describe('OverviewApi', () => {
  let api: OverviewApi;
  let backend: HttpTestingController;

  beforeEach(() => {
    TestBed.configureTestingModule({ providers: [provideHttpClient(), provideHttpClientTesting()] });
    api = TestBed.inject(OverviewApi);
    backend = TestBed.inject(HttpTestingController);
  });

  afterEach(() => backend.verify());

  it('asks the trace stats for a window and bucket size', async () => {
    const reply = firstValueFrom(api.traceStats({ sinceMs: 1000, untilMs: 2000, bucketMs: 500 }));
    const request = backend.expectOne((r) => r.url === '/admin/stats/traces');
    expect(request.request.params.get('sinceMs')).toBe('1000');
    expect(request.request.params.get('untilMs')).toBe('2000');
    expect(request.request.params.get('bucketMs')).toBe('500');
    request.flush({ ok: true, matched: 3 });
    expect((await reply).matched).toBe(3);
  });

  it('leaves unset filters out of the usage query', () => {
    api.usageStats({ sinceMs: 5, accountId: undefined }).subscribe();
    const request = backend.expectOne((r) => r.url === '/admin/stats/usage');
    expect(request.request.params.keys()).toEqual(['sinceMs']);
    request.flush({});
  });
});
