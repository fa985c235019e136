import type { PoolForecast } from '@mcp/contracts';
import { postJson } from './helpers/client';
import { startStack, type Stack } from './helpers/stack';

const MODEL = 'gpt-5.3-codex';

/** The pool forecast through the whole gateway: GET /admin/forecast, the 429 message, /metrics. */
describe('pool forecast', () => {
  let stack: Stack;

  beforeAll(async () => {
    // Every request costs 5 % of both windows of the account that serves it.
    stack = await startStack({ accounts: 2, fake: { defaultPercentPerRequest: 5 } });
    await fetch(`${stack.baseUrl}/admin/usage/refresh`, {
      method: 'POST',
      headers: { 'x-admin-token': stack.adminToken },
    });
  });

  afterAll(async () => {
    await stack.close();
  });

  const admin = (path: string, token: string | null = stack.adminToken) =>
    fetch(`${stack.baseUrl}${path}`, { headers: token ? { 'x-admin-token': token } : {} });

  it('needs the admin token', async () => {
    expect((await admin('/admin/forecast', null)).status).toBe(401);
  });

  it('learns the cost per request from the traffic and counts the requests left', async () => {
    const before = (await (await admin('/admin/forecast')).json()) as PoolForecast;
    expect(before).toMatchObject({ basis: 'no_pace', dryAt: null, requestsPerHour: 0 });

    for (let i = 0; i < 6; i++) {
      const res = await postJson(stack, '/v1/chat/completions', {
        model: MODEL,
        messages: [{ role: 'user', content: `forecast ${i}` }],
      });
      expect(res.status).toBe(200);
      await res.arrayBuffer();
    }
    const forecast = (await (await admin(`/admin/forecast?model=${MODEL}`)).json()) as PoolForecast;
    const used = stack.fake
      .accounts()
      .map((a) => a.windows.fiveHour!.usedPercent)
      .reduce((sum, p) => sum + p, 0);
    expect(used).toBe(30);
    // 5 % a request on both accounts: (200 − 30) / 5 = 34 requests left in the pool.
    expect(forecast).toMatchObject({ model: MODEL, basis: 'ok', exhaustedNow: false, requestsLeft: 34 });
    expect(forecast.requestsPerHour).toBeGreaterThan(0);
    expect(forecast.dryAt).toBeGreaterThan(forecast.generatedAt);
    const observed = forecast.accounts.map((a) => a.percentPerRequest.fiveHour).filter((c) => c !== null);
    expect(observed.length).toBeGreaterThan(0);
    for (const cost of observed) expect(cost).toBeCloseTo(5, 6);

    const metrics = await (await admin('/metrics')).text();
    expect(metrics).toMatch(/^mcp_pool_requests_left 34$/m);
    expect(metrics).toMatch(/^mcp_pool_dry_in_seconds \d+(\.\d+)?$/m);
  });

  it('tells a client of the all-exhausted 429 how long the pool lasts after the reset', async () => {
    for (const account of stack.accounts) stack.fake.setUsage(account.fakeId, { fiveHour: 100 });
    let res: Response | undefined;
    for (let i = 0; i < 3 && res?.status !== 429; i++) {
      res = await postJson(stack, '/v1/chat/completions', {
        model: MODEL,
        messages: [{ role: 'user', content: `spent ${i}` }],
      });
    }
    expect(res?.status).toBe(429);
    const body = (await res!.json()) as { error: { message: string } };
    expect(body.error.message).toMatch(
      /^All 2 accounts are at their usage limit for model 'gpt-5\.3-codex'\. The soonest reset is at .+\. At the recent pace \(\d+ requests an hour\), the pool then lasts (until .+ \(about .+\)|more than .+)\.$/,
    );
    const forecast = (await (await admin('/admin/forecast')).json()) as PoolForecast;
    expect(forecast).toMatchObject({ exhaustedNow: true });
    expect(forecast.capacityBackAt).toBeGreaterThan(forecast.generatedAt);
  });
});
