import { AccountsService } from '@mcp/accounts';
import { describeWithPostgres, type Fleet, startFleet } from './helpers/postgres';

const MODEL = 'gpt-5.3-codex';

describeWithPostgres('two replicas on one PostgreSQL: token refresh', () => {
  let fleet: Fleet;

  beforeAll(async () => {
    fleet = await startFleet();
  });

  afterAll(async () => {
    await fleet?.close();
  });

  it('a refresh storm across both replicas makes exactly one refresh per account', async () => {
    // Tokens that expire within TOKEN_REFRESH_MARGIN_MS: every use on either replica wants a refresh.
    const accounts = [];
    for (let i = 1; i <= 3; i++) accounts.push(await fleet.addAccount(i, { expiresInMs: 1000 }));
    await fleet.settled(accounts.map((account) => account.id));
    fleet.fake.resetCounters();

    const calls: Promise<number>[] = [];
    for (const replica of fleet.replicas) {
      for (const account of accounts) {
        for (let n = 0; n < 4; n++) {
          calls.push(replica.admin('POST', `/admin/accounts/${account.id}/refresh-usage`).then((r) => r.status));
        }
      }
      for (let n = 0; n < 4; n++) {
        calls.push(
          fetch(`${replica.baseUrl}/v1/responses`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({ model: MODEL, input: `storm ${n}` }),
          }).then((r) => r.status),
        );
      }
    }
    const statuses = await Promise.all(calls);

    expect(statuses.filter((status) => status !== 200)).toEqual([]);
    const counters = fleet.fake.counters();
    expect(accounts.map((account) => counters.refreshCalls[account.fakeId])).toEqual([1, 1, 1]);
    expect(counters.rejectedRefreshes).toEqual({});
    // Both replicas hold the rotated tokens, and neither took an account out of routing.
    for (const replica of fleet.replicas) {
      for (const account of accounts) {
        const held = replica.app.get(AccountsService).get(account.id);
        expect(held?.state.needsReauth).toBe(false);
        expect(held?.expiresAt).toBeGreaterThan(Date.now() + 600_000);
      }
    }
  });
});
