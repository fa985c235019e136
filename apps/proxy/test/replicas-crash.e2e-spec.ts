import { AccountsService, TokenService } from '@mcp/accounts';
import { PostgresLeadership } from '@mcp/postgres';
import { describeWithPostgres, eventually, type Fleet, type Replica, startFleet } from './helpers/postgres';

const MODEL = 'gpt-5.3-codex';

/** Keeps `workers` requests in flight against `targets()` until stopped; counts what each replica answered. */
function load(targets: () => Replica[], workers: number) {
  let running = true;
  const answered = new Map<string, number[]>();
  const loops = Array.from({ length: workers }, async (_, w) => {
    for (let n = 0; running; n++) {
      const list = targets();
      const replica = list[(w + n) % list.length]!;
      const status = await fetch(`${replica.baseUrl}/v1/responses`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ model: MODEL, input: `load ${w}/${n}` }),
      })
        .then(async (response) => (await response.text(), response.status))
        .catch(() => 0); // the connection died with its replica: never acknowledged
      answered.set(replica.name, [...(answered.get(replica.name) ?? []), status]);
    }
  });
  return {
    answered,
    async stop() {
      running = false;
      await Promise.all(loops);
    },
  };
}

describeWithPostgres('two replicas on one PostgreSQL: a replica dies mid-load', () => {
  let fleet: Fleet;

  beforeAll(async () => {
    fleet = await startFleet();
  });

  afterAll(async () => {
    await fleet?.close();
  });

  it('loses nothing it acknowledged, and the survivor carries on (jobs included)', async () => {
    const users = [await fleet.addAccount(1), await fleet.addAccount(2)];
    await fleet.settled(users.map((user) => user.id));
    // The replica that runs the scheduled jobs is the one that dies.
    const leading = await eventually(() =>
      fleet.replicas.find((replica) => replica.app.get(PostgresLeadership).leads('usage-probe')),
    );
    const doomed = leading;
    const survivor = fleet.replicas.find((replica) => replica !== doomed)!;
    let alive = [doomed, survivor];
    const traffic = load(() => alive, 4);

    // Acknowledged writes on the doomed replica while both serve traffic.
    let label = '';
    for (let i = 1; i <= 5; i++) {
      const reply = await doomed.admin('PATCH', `/admin/accounts/${users[0]!.id}`, { label: `label ${i}` });
      expect(reply.status).toBe(200);
      label = `label ${i}`;
    }
    const flow = await doomed.admin<{ flowId: string }>('POST', '/admin/oauth/start', {});
    expect(flow.status).toBe(200);
    await doomed.app.get(TokenService).refresh(users[1]!.id); // a rotated refresh token, durable when this resolves

    await doomed.crash();
    alive = [survivor];
    const servedBefore = traffic.answered.get(survivor.name)?.length ?? 0;
    await eventually(() => ((traffic.answered.get(survivor.name)?.length ?? 0) >= servedBefore + 8 ? true : undefined));
    await traffic.stop();

    // Everything the doomed replica acknowledged is in the shared store, and the survivor serves it.
    const accounts = await survivor.admin<{ accounts: { id: string; label?: string }[] }>('GET', '/admin/accounts');
    expect(accounts.body.accounts.find((account) => account.id === users[0]!.id)?.label).toBe(label);
    const status = await survivor.admin<{ flow: { status: string } }>('GET', `/admin/oauth/status/${flow.body.flowId}`);
    expect([status.status, status.body.flow.status]).toEqual([200, 'pending']);
    // The survivor refreshes with the rotated token: the one the dead replica spent is never sent again.
    await survivor.app.get(TokenService).refresh(users[1]!.id);
    expect(fleet.fake.counters().rejectedRefreshes).toEqual({});
    expect(survivor.app.get(AccountsService).get(users[1]!.id)?.state.needsReauth).toBe(false);
    // The survivor answered every request it accepted, before and after the other died.
    expect((traffic.answered.get(survivor.name) ?? []).filter((code) => code !== 200)).toEqual([]);
    // The scheduled jobs moved to the survivor: the leader's lock died with its database session.
    await eventually(() => (survivor.app.get(PostgresLeadership).leads('usage-probe') ? true : undefined));
  });
});
