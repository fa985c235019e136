import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type INestApplication, ValidationPipe } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { type Account, AccountRepository } from '@mcp/accounts';
import { ConfigModule } from '@mcp/config';
import { AdminAuthModule } from '@mcp/admin-auth';
import { ErrorsModule, globalErrorProviders } from '@mcp/errors';
import type {
  TraceRecord,
  TracesLegacyResponse,
  TracesPageResponse,
  TraceStatsResponse,
  UsageStatsResponse,
} from '@mcp/contracts';
import { TEST_ADMIN_TOKEN, tempDir, testConfig, type TempDir } from '@mcp/testing';
import { MetricsService } from '../metrics/metrics.service';
import { traceRecord } from '@mcp/testing/history';
import { TracingModule } from '../tracing.module';
import { TRACE_FLUSH_INTERVAL_MS, TracingService } from '../tracing.service';
import { InMemoryAccountRepository } from '@mcp/testing/fakes';

const BASE = Date.UTC(2025, 0, 15, 12);
const ACCOUNT: Account = {
  id: 'acc_a',
  email: 'a@example.com',
  label: 'Team A',
  accessToken: 'secret-access-token',
  enabled: true,
  priority: 0,
  createdAt: 0,
  updatedAt: 0,
  usage: {
    fiveHour: { usedPercent: 42, resetAt: Date.now() + 3_600_000, windowSeconds: 18_000 },
    fetchedAt: 0,
    source: 'probe',
  },
  state: { modelBlocks: {}, needsReauth: false, recentErrors: [] },
};

/** Six traces: oldest first, t1..t6, one second apart. */
const TRACES: TraceRecord[] = [
  traceRecord({
    id: 't1',
    at: BASE,
    requestBody: { model: 'gpt-5.3-codex', input: [{ image_url: 'data:image/png;base64,AAAA' }] },
  }),
  traceRecord({ id: 't2', at: BASE + 1000, route: '/v1/responses', stream: true }),
  traceRecord({
    id: 't3',
    at: BASE + 2000,
    status: 429,
    isError: true,
    error: 'All accounts exhausted',
    tokensInput: 0,
    tokensOutput: 0,
    tokensTotal: 0,
  }),
  traceRecord({ id: 't4', at: BASE + 3000, accountId: 'acc_b', model: 'gpt-5-codex', upstreamModel: 'gpt-5-codex' }),
  traceRecord({
    id: 't5',
    at: BASE + 4000,
    attempts: [
      { accountId: 'acc_b', status: 429, class: 'quota', latencyMs: 30 },
      { accountId: 'acc_a', status: 200, class: 'ok', latencyMs: 90 },
    ],
  }),
  traceRecord({ id: 't6', at: BASE + 5000, status: 502, isError: true }),
];

describe('tracing HTTP routes', () => {
  let dir: TempDir;
  let app: INestApplication;
  let base: string;

  async function start(env: Record<string, string> = {}): Promise<void> {
    const config = testConfig({ DATA_DIR: dir.path, TRACE_RETENTION_MAX: '5', ...env });
    const moduleRef = await Test.createTestingModule({
      imports: [ConfigModule.forRoot(config), ErrorsModule, AdminAuthModule, TracingModule],
      providers: globalErrorProviders,
    })
      .overrideProvider(AccountRepository)
      .useValue(new InMemoryAccountRepository([ACCOUNT]))
      .compile();
    app = moduleRef.createNestApplication({ logger: false });
    app.useGlobalPipes(new ValidationPipe({ whitelist: true, forbidNonWhitelisted: true, transform: true }));
    await app.listen(0, '127.0.0.1');
    base = (await app.getUrl()).replace('[::1]', '127.0.0.1');
  }

  async function get(path: string, token: string | null = TEST_ADMIN_TOKEN): Promise<Response> {
    return fetch(`${base}${path}`, { headers: token === null ? {} : { authorization: `Bearer ${token}` } });
  }

  async function json<T>(path: string): Promise<T> {
    const response = await get(path);
    expect(response.status).toBe(200);
    return (await response.json()) as T;
  }

  beforeEach(async () => {
    dir = tempDir('mcp-tracing-http-');
    await start();
    for (const trace of TRACES) app.get(TracingService).record(trace);
  });

  afterEach(async () => {
    await app.close();
    dir.cleanup();
  });

  it.each([
    '/admin/traces',
    '/admin/traces/t6',
    '/admin/traces/export',
    '/admin/stats/usage',
    '/admin/stats/traces',
    '/metrics',
  ])('%s needs the admin token', async (path) => {
    expect((await get(path, null)).status).toBe(401);
    expect((await get(path, 'wrong-token-wrong-token')).status).toBe(401);
  });

  describe('GET /admin/traces', () => {
    it('pages the retained traces newest first, without payloads, with stats over the filtered set', async () => {
      const body = await json<TracesPageResponse>('/admin/traces?page=1&pageSize=2');
      expect(body.traces.map((t) => t.id)).toEqual(['t6', 't5']);
      expect(body.pagination).toEqual({ page: 1, pageSize: 2, total: 5, totalPages: 3, hasPrev: false, hasNext: true });
      expect(body.traces[0]).not.toHaveProperty('requestBody');
      expect(body.stats.totals).toMatchObject({ requests: 5, errors: 2 });
    });

    it('handles the last page and pages past the end', async () => {
      const last = await json<TracesPageResponse>('/admin/traces?page=3&pageSize=2');
      expect(last.traces.map((t) => t.id)).toEqual(['t2']);
      expect(last.traces[0]?.hasRequestBody).toBe(false);
      expect(last.pagination).toMatchObject({ hasPrev: true, hasNext: false });
      const beyond = await json<TracesPageResponse>('/admin/traces?page=9&pageSize=2');
      expect(beyond.traces).toEqual([]);
      expect(beyond.pagination).toMatchObject({ page: 9, totalPages: 3, hasNext: false });
    });

    it('reports totalPages 1 for an empty result', async () => {
      const body = await json<TracesPageResponse>('/admin/traces?model=nothing-like-this');
      expect(body.pagination).toEqual({
        page: 1,
        pageSize: 100,
        total: 0,
        totalPages: 1,
        hasPrev: false,
        hasNext: false,
      });
    });

    it.each([
      ['accountId=acc_b', ['t4']],
      ['route=/v1/responses', ['t2']],
      ['route=responses', ['t2']],
      // The filter normalises a route as the recorder does: no trailing slash, no query string.
      ['route=/v1/responses/', ['t2']],
      [`route=${encodeURIComponent('/responses?stream=true')}`, ['t2']],
      ['model=gpt-5-codex', ['t4']],
      ['isError=true', ['t6', 't3']],
      ['isError=false&status=200', ['t5', 't4', 't2']],
      ['status=429', ['t3']],
      [`sinceMs=${BASE + 2000}&untilMs=${BASE + 4000}`, ['t5', 't4', 't3']],
    ])('filters by %s', async (query, ids) => {
      const body = await json<TracesPageResponse>(`/admin/traces?${query}`);
      expect(body.traces.map((t) => t.id)).toEqual(ids);
    });

    it('answers the legacy ?limit=N with the latest N full records, oldest first, clamped to 1–1000', async () => {
      const body = await json<TracesLegacyResponse>('/admin/traces?limit=2');
      expect(Object.keys(body)).toEqual(['traces']);
      expect(body.traces.map((t) => t.id)).toEqual(['t5', 't6']);
      expect((await json<TracesLegacyResponse>('/admin/traces?limit=0')).traces.map((t) => t.id)).toEqual(['t6']);
      expect((await json<TracesLegacyResponse>('/admin/traces?limit=5000')).traces).toHaveLength(5);
    });

    it.each([
      ['sinceMs=abc', 'sinceMs must be an integer number'],
      ['sinceMs=1.5', 'sinceMs must be an integer number'],
      [`sinceMs=${BASE}&untilMs=${BASE - 1}`, 'untilMs must not be before sinceMs'],
      ['page=0', 'page must not be less than 1'],
      ['pageSize=101', 'pageSize must not be greater than 100'],
      ['pageSize=0', 'pageSize must not be less than 1'],
      ['isError=maybe', 'isError must be a boolean value'],
      ['limit=ten', 'limit must be an integer number'],
      ['colour=blue', 'property colour should not exist'],
    ])('rejects %s with 400 and a field message', async (query, message) => {
      const response = await get(`/admin/traces?${query}`);
      expect(response.status).toBe(400);
      expect(((await response.json()) as { message: string[] }).message).toContain(message);
    });
  });

  describe('GET /admin/traces/:id and export', () => {
    it('returns one retained trace in full; older ones are gone (404)', async () => {
      const { trace } = await json<{ trace: TraceRecord }>('/admin/traces/t2');
      expect(trace).toMatchObject({ id: 't2', route: '/v1/responses', stream: true });
      expect((await get('/admin/traces/t1')).status).toBe(404);
      expect((await get('/admin/traces/nope')).status).toBe(404);
    });

    it('exports the filtered traces as a JSONL download, oldest first', async () => {
      const response = await get('/admin/traces/export?isError=false');
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toContain('application/x-ndjson');
      expect(response.headers.get('content-disposition')).toBe('attachment; filename="requests-trace.jsonl"');
      const lines = (await response.text()).trim().split('\n');
      expect(lines.map((line) => (JSON.parse(line) as TraceRecord).id)).toEqual(['t2', 't4', 't5']);
    });
  });

  describe('stats routes', () => {
    it('GET /admin/stats/usage covers the whole history (not just the retained traces)', async () => {
      const body = await json<UsageStatsResponse>('/admin/stats/usage');
      expect(body.totals).toMatchObject({
        requests: 6,
        ok: 4,
        errors: 2,
        statusCounts: { '200': 4, '429': 1, '502': 1 },
      });
      expect(body.byAccount[0]).toMatchObject({
        accountId: 'acc_a',
        requests: 5,
        account: { id: 'acc_a', email: 'a@example.com', label: 'Team A', enabled: true },
      });
      expect(body.byAccount[1]).toMatchObject({ accountId: 'acc_b', account: null });
      expect(JSON.stringify(body)).not.toContain('secret-access-token');
    });

    it('echoes normalised filters and applies them', async () => {
      const body = await json<UsageStatsResponse>(`/admin/stats/usage?route=chat/completions&untilMs=${BASE + 2000}`);
      expect(body.filters).toEqual({ route: '/v1/chat/completions', untilMs: BASE + 2000 });
      expect(body.tracesMatched).toBe(2);
    });

    it('GET /admin/stats/traces defaults to hourly buckets and validates bucketMs', async () => {
      const body = await json<TraceStatsResponse>('/admin/stats/traces');
      expect(body).toMatchObject({ ok: true, filters: { bucketMs: 3_600_000 }, totalStored: 6, matched: 6 });
      expect(body.stats.timeseries).toEqual([expect.objectContaining({ at: BASE, requests: 6, errors: 2 })]);
      expect((await get('/admin/stats/traces?bucketMs=5')).status).toBe(400);
      expect((await get('/admin/stats/usage?sinceMs=-1')).status).toBe(400);
    });
  });

  describe('recording', () => {
    it('stores the cost the recorder computed, once: an unpriced request stays unpriced', async () => {
      app.get(TracingService).record(traceRecord({ id: 'priced', costUsd: 0.25 }));
      app.get(TracingService).record(traceRecord({ id: 'unpriced', costUsd: null }));
      expect((await json<{ trace: TraceRecord }>('/admin/traces/priced')).trace.costUsd).toBe(0.25);
      expect((await json<{ trace: TraceRecord }>('/admin/traces/unpriced')).trace.costUsd).toBeNull();
    });

    it('writes a finished request to both files within the flush interval, with nobody reading', async () => {
      app.get(TracingService).record(traceRecord({ id: 'unread' }));
      // What a crash could lose is bounded by time, not by whether someone looked (batching included).
      await new Promise((resolve) => setTimeout(resolve, TRACE_FLUSH_INTERVAL_MS * 3));
      expect(readFileSync(join(dir.path, 'requests-trace.jsonl'), 'utf8')).toContain('"id":"unread"');
      expect(readFileSync(join(dir.path, 'requests-stats-history.jsonl'), 'utf8')).toContain('"id":"unread"');
    });

    it('never throws on a malformed trace', () => {
      expect(() => app.get(TracingService).record(null as unknown as TraceRecord)).not.toThrow();
    });

    it('keeps everything across a restart', async () => {
      const before = await json<UsageStatsResponse>('/admin/stats/usage');
      await app.close();
      // TRACE_RETENTION_MAX traces filled the file, which was renamed: the newest five are on disk, in two files.
      const ids = (file: string) =>
        readFileSync(join(dir.path, file), 'utf8')
          .split('\n')
          .filter(Boolean)
          .map((line) => (JSON.parse(line) as { id: string }).id);
      expect(ids('requests-trace.jsonl.1')).toEqual(['t1', 't2', 't3', 't4', 't5']);
      expect(ids('requests-trace.jsonl')).toEqual(['t6']);
      await start();
      expect(await json<UsageStatsResponse>('/admin/stats/usage')).toEqual(before);
      expect((await json<TracesPageResponse>('/admin/traces')).traces.map((t) => t.id)).toEqual([
        't6',
        't5',
        't4',
        't3',
        't2',
      ]);
    });

    it('drops payloads when TRACE_INCLUDE_BODY=false', async () => {
      await app.close();
      await start({ TRACE_INCLUDE_BODY: 'false' });
      app.get(TracingService).record(traceRecord({ id: 'with-body', requestBody: { input: 'hello' } }));
      const { trace } = await json<{ trace: TraceRecord }>('/admin/traces/with-body');
      expect(trace).not.toHaveProperty('requestBody');
    });

    it('never stores a body when TRACE_INCLUDE_BODY=false, whatever the recorder sent', async () => {
      await app.close();
      await start({ TRACE_INCLUDE_BODY: 'false' });
      app.get(TracingService).record(traceRecord({ id: 'with-body', requestBody: { input: 'hello' } }));
      const { trace } = await json<{ trace: TraceRecord }>('/admin/traces/with-body');
      expect(trace.requestBody).toBeUndefined();
    });
  });

  describe('GET /metrics', () => {
    it('exposes request, token, failover and account metrics in Prometheus text', async () => {
      app.get(MetricsService).failover('quota');
      app.get(MetricsService).refresh('success');
      const response = await get('/metrics');
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toContain('text/plain');
      const text = await response.text();
      expect(text).toContain(
        'mcp_http_requests_total{route="/v1/chat/completions",status="200",model="gpt-5.3-codex",account="acc_a"} 2',
      );
      expect(text).toContain('mcp_tokens_total{kind="input",model="gpt-5.3-codex",account="acc_a"} 400');
      expect(text).toContain('mcp_upstream_errors_total{class="quota"} 1');
      expect(text).toContain('mcp_failovers_total{reason="quota"} 1');
      expect(text).toContain('mcp_token_refreshes_total{outcome="success"} 1');
      expect(text).toContain('mcp_account_quota_used_percent{account="acc_a",window="five_hour"} 42');
      expect(text).toContain('mcp_accounts{status="available"} 1');
      expect(text).toMatch(/mcp_http_request_duration_seconds_count\{route="\/v1\/responses"\} 1/);
    });

    it('keeps counting across scrapes, and any single counter read sees every request so far', async () => {
      const line =
        'mcp_http_requests_total{route="/v1/chat/completions",status="200",model="gpt-5.3-codex",account="acc_a"}';
      expect(await (await get('/metrics')).text()).toContain(`${line} 2`);
      app.get(TracingService).record(traceRecord({ id: 'later', tokensInput: 50, costUsd: 0.5 }));
      const tokens = app.get(MetricsService).registry.getSingleMetric('mcp_tokens_total');
      const values = (await tokens?.get())?.values ?? [];
      const input = values.find((v) => v.labels['kind'] === 'input' && v.labels['account'] === 'acc_a');
      expect(input?.value).toBe(450);
      const text = await (await get('/metrics')).text();
      expect(text).toContain(`${line} 3`);
      expect(text).toContain('mcp_tokens_total{kind="input",model="gpt-5.3-codex",account="acc_a"} 450');
    });

    it('takes only METRICS_TOKEN when it is set', async () => {
      await app.close();
      await start({ METRICS_TOKEN: 'metrics-token-0123456789' });
      expect((await get('/metrics')).status).toBe(401);
      expect((await get('/metrics', 'metrics-token-0123456789')).status).toBe(200);
    });
  });
});
