import type { TracesPageResponse, UsageStatsResponse } from '@mcp/contracts';
import { describeWithPostgres, eventually, type Fleet, type Replica, startFleet } from './helpers/postgres';

const MODEL = 'gpt-5.3-codex';

async function send(replica: Replica, input: string): Promise<string> {
  const response = await fetch(`${replica.baseUrl}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ model: MODEL, messages: [{ role: 'user', content: input }] }),
  });
  expect(response.status).toBe(200);
  await response.text();
  return response.headers.get('x-request-id')!;
}

describeWithPostgres('two replicas on one PostgreSQL: traces and stats', () => {
  let fleet: Fleet;

  beforeAll(async () => {
    fleet = await startFleet();
    const user = await fleet.addAccount(1);
    await fleet.settled([user.id]);
  });

  afterAll(async () => {
    await fleet?.close();
  });

  it('shows the traces and stats of both replicas in either one’s admin API', async () => {
    const [a, b] = fleet.replicas as [Replica, Replica];
    const sent = { a: [] as string[], b: [] as string[] };
    for (let i = 0; i < 3; i++) sent.a.push(await send(a, `to A ${i}`));
    for (let i = 0; i < 2; i++) sent.b.push(await send(b, `to B ${i}`));
    const all = [...sent.a, ...sent.b];

    for (const replica of [a, b]) {
      const page = await eventually(async () => {
        const { body } = await replica.admin<TracesPageResponse>('GET', '/admin/traces?page=1&pageSize=100');
        return all.every((id) => body.traces.some((trace) => trace.id === id)) ? body : undefined;
      });
      expect(page.pagination.total).toBe(5);
      expect(page.stats.totals.requests).toBe(5);
      const fromOther = replica === a ? sent.b[0] : sent.a[0];
      const detail = await replica.admin<{ trace: { id: string; route: string } }>('GET', `/admin/traces/${fromOther}`);
      expect([detail.status, detail.body.trace.route]).toEqual([200, '/v1/chat/completions']);

      const usage = await eventually(async () => {
        const reply = await replica.admin<UsageStatsResponse>('GET', '/admin/stats/usage');
        return reply.body.totals.requests === 5 ? reply : undefined;
      });
      expect(usage.body.totals.tokens.total).toBeGreaterThan(0);
      const byRoute = usage.body.byRoute.map((row) => [row.route, row.requests]);
      expect(byRoute).toEqual([['/v1/chat/completions', 5]]);
    }
  });

  it('a replica started later loads every replica’s history and traces', async () => {
    const [a] = fleet.replicas as [Replica];
    const before = await a.admin<UsageStatsResponse>('GET', '/admin/stats/usage');
    await a.close(); // a clean stop flushes; a restart must find everything in the database
    fleet.replicas.shift();
    const restarted = await fleet.addReplica();
    const usage = await restarted.admin<UsageStatsResponse>('GET', '/admin/stats/usage');
    expect(usage.body.totals).toEqual(before.body.totals);
    const { body } = await restarted.admin<TracesPageResponse>('GET', '/admin/traces?page=1&pageSize=100');
    expect(body.pagination.total).toBe(before.body.totals.requests);
  });
});
