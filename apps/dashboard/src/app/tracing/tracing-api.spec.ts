import { provideHttpClient } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { TestBed } from '@angular/core/testing';
import { firstValueFrom } from 'rxjs';
import { TracingApi } from './tracing-api';

function pageReply(page: number, totalPages: number, ids: string[]) {
  return {
    traces: ids.map((id) => ({ id })),
    pagination: { page, pageSize: 100, total: 250, totalPages, hasPrev: page > 1, hasNext: page < totalPages },
    stats: {},
  };
}

// jsdom's Blob has no text(); FileReader reads it the old way.
function readBlob(blob: Blob): Promise<string> {
  return new Promise((resolve) => {
    const reader = new FileReader();
    reader.onload = () => resolve(String(reader.result));
    reader.readAsText(blob);
  });
}

describe('TracingApi', () => {
  let api: TracingApi;
  let backend: HttpTestingController;

  beforeEach(() => {
    TestBed.configureTestingModule({ providers: [provideHttpClient(), provideHttpClientTesting()] });
    api = TestBed.inject(TracingApi);
    backend = TestBed.inject(HttpTestingController);
  });

  afterEach(() => backend.verify());

  it('asks for one page with the filters', async () => {
    const reply = firstValueFrom(api.page({ sinceMs: 10, model: 'gpt-5.3-codex', isError: true }, 2, 25));
    const request = backend.expectOne((r) => r.url === '/admin/traces');
    const params = request.request.params;
    expect([
      params.get('page'),
      params.get('pageSize'),
      params.get('sinceMs'),
      params.get('model'),
      params.get('isError'),
    ]).toEqual(['2', '25', '10', 'gpt-5.3-codex', 'true']);
    expect(params.has('accountId')).toBe(false);
    request.flush(pageReply(2, 3, ['t1']));
    expect((await reply).pagination.page).toBe(2);
  });

  it('fetches one trace with its payload', async () => {
    const reply = firstValueFrom(api.get('tr 1'));
    backend.expectOne('/admin/traces/tr%201').flush({ trace: { id: 'tr 1', requestBody: { model: 'm' } } });
    expect((await reply).requestBody).toEqual({ model: 'm' });
  });

  it('downloads the export with the same filters and the server-given file name', async () => {
    const reply = firstValueFrom(api.export({ accountId: 'acc_1' }));
    const request = backend.expectOne((r) => r.url === '/admin/traces/export');
    expect(request.request.params.get('accountId')).toBe('acc_1');
    expect(request.request.responseType).toBe('blob');
    request.flush(new Blob(['{"id":"t1"}\n']), {
      headers: { 'content-disposition': 'attachment; filename="traces.jsonl"' },
    });
    const { blob, filename } = await reply;
    expect(filename).toBe('traces.jsonl');
    expect(blob.size).toBeGreaterThan(0);
  });

  it('assembles the export from every listing page when the server has no export route', async () => {
    const reply = firstValueFrom(api.export({ route: '/v1/responses' }));
    backend
      .expectOne((r) => r.url === '/admin/traces/export')
      .flush(new Blob(['not found']), { status: 404, statusText: 'Not Found' });
    for (const page of [1, 2, 3]) {
      const request = backend.expectOne((r) => r.url === '/admin/traces' && r.params.get('page') === String(page));
      expect(request.request.params.get('route')).toBe('/v1/responses');
      expect(request.request.params.get('pageSize')).toBe('100');
      request.flush(pageReply(page, 3, [`t${page}a`, `t${page}b`]));
    }
    const { blob, filename } = await reply;
    expect(filename).toMatch(/^traces-.*\.jsonl$/);
    const lines = (await readBlob(blob))
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line).id);
    expect(lines).toEqual(['t1a', 't1b', 't2a', 't2b', 't3a', 't3b']);
  });

  it('reports other export failures as they are', async () => {
    const reply = firstValueFrom(api.export({}));
    backend
      .expectOne((r) => r.url === '/admin/traces/export')
      .flush(new Blob(['boom']), { status: 500, statusText: 'Server Error' });
    await expect(reply).rejects.toMatchObject({ status: 500 });
  });
});
