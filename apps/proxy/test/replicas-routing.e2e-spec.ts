import { AccountsService } from '@mcp/accounts';
import type { TraceRecord } from '@mcp/contracts';
import { RoutingService } from '@mcp/routing';
import { describeWithPostgres, eventually, type Fleet, type Replica, startFleet } from './helpers/postgres';

const MODEL = 'gpt-5.3-codex';

/** What the browser does with the authorize URL: the emulator signs in and redirects to the callback. */
async function followAuthorize(authorizeUrl: string): Promise<string> {
  const response = await fetch(authorizeUrl, { redirect: 'manual' });
  const location = response.headers.get('location');
  if (response.status !== 302 || !location) throw new Error(`authorize answered ${response.status}`);
  return location;
}

/** One /v1/responses request; its trace as the replica that served it recorded it. */
async function ask(replica: Replica, input: string, headers: Record<string, string> = {}): Promise<TraceRecord> {
  const response = await fetch(`${replica.baseUrl}/v1/responses`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ model: MODEL, input }),
  });
  expect(response.status).toBe(200);
  const id = response.headers.get('x-request-id');
  return eventually(async () => {
    const { status, body } = await replica.admin<{ trace: TraceRecord }>('GET', `/admin/traces/${id}`);
    return status === 200 ? body.trace : undefined;
  });
}

describeWithPostgres('two replicas on one PostgreSQL: routing state is shared', () => {
  let fleet: Fleet;
  let a: Replica;
  let b: Replica;
  let user1: { fakeId: string; id: string };
  let user2: { fakeId: string; id: string };

  beforeAll(async () => {
    fleet = await startFleet();
    [a, b] = fleet.replicas as [Replica, Replica];
    user1 = await fleet.addAccount(1);
    user2 = await fleet.addAccount(2);
    await fleet.settled([user1.id, user2.id]);
  });

  afterAll(async () => {
    await fleet?.close();
  });

  it('an account blocked via replica A is skipped by replica B on its next request', async () => {
    fleet.fake.inject(user1.fakeId, { kind: 'quota' }, 10);
    const viaA = await ask(a, 'hit the quota on A');
    expect(viaA.attempts.map((t) => [t.accountId, t.class])).toEqual([
      [user1.id, 'quota'],
      [user2.id, 'ok'],
    ]);
    await eventually(() => (b.app.get(AccountsService).get(user1.id)?.state.blockKind === 'quota' ? true : undefined));
    const upstreamCallsBefore = fleet.fake.counters().requests[user1.fakeId]?.responses;
    const viaB = await ask(b, 'next request, on B');
    expect(viaB.attempts.map((t) => [t.accountId, t.class])).toEqual([[user2.id, 'ok']]);
    expect(viaB.routing?.skipped.map((s) => s.accountId)).toContain(user1.id);
    expect(fleet.fake.counters().requests[user1.fakeId]?.responses).toBe(upstreamCallsBefore);
    fleet.fake.clearFaults(user1.fakeId);
    expect((await a.admin('POST', `/admin/accounts/${user1.id}/unblock`)).status).toBe(200);
    await eventually(() => (b.app.get(AccountsService).get(user1.id)?.state.blockKind ? undefined : true));
  });

  it('keeps a session on its account whichever replica serves it', async () => {
    // Full quota on both accounts, as both replicas see it: ranking alone prefers an untouched account.
    for (const user of [user1, user2]) {
      fleet.fake.resetWindows(user.fakeId);
      expect((await a.admin('POST', `/admin/accounts/${user.id}/refresh-usage`)).status).toBe(200);
    }
    const session = { session_id: 'conversation-42' };
    const first = await ask(a, 'first turn, on A', session);
    const pinned = first.accountId!;
    const other = pinned === user1.id ? user2.id : user1.id;
    // Once B knows the pinned account has been used and the other has not, only affinity can pick the pinned one.
    const usedOnB = (id: string) => (b.app.get(AccountsService).get(id)?.usage?.fiveHour?.usedPercent ?? -1) > 0;
    await eventually(() => (usedOnB(pinned) && !usedOnB(other) ? true : undefined));
    await eventually(() => (b.app.get(RoutingService).affinitySize > 0 ? true : undefined));
    expect((await ask(b, 'no session, on B')).accountId).toBe(other);
    const second = await ask(b, 'second turn, on B', session);
    expect([second.accountId, second.routing?.sessionAffinity]).toEqual([pinned, true]);
  });

  it('a login started on replica A can be completed on replica B', async () => {
    fleet.fake.addAccount({ email: 'newcomer@example.com' });
    const started = await a.admin<{ flowId: string; authorizeUrl: string }>('POST', '/admin/oauth/start', {
      email: 'newcomer@example.com',
    });
    expect(started.status).toBe(200);
    const redirect = await followAuthorize(started.body.authorizeUrl);
    const completed = await b.admin<{ account: { id: string; email: string } }>('POST', '/admin/oauth/complete', {
      flowId: started.body.flowId,
      input: redirect,
    });
    expect([completed.status, completed.body.account.email]).toEqual([200, 'newcomer@example.com']);
    const status = await a.admin<{ flow: { status: string } }>('GET', `/admin/oauth/status/${started.body.flowId}`);
    expect(status.body.flow.status).toBe('success');
    await eventually(() => (a.app.get(AccountsService).get(completed.body.account.id) ? true : undefined));
  });

  it('a client key created on replica A opens /v1 on replica B', async () => {
    const created = await a.admin<{ secret: string }>('POST', '/admin/api-keys', { name: 'shared key' });
    expect(created.status).toBe(201);
    const models = (key?: string) =>
      fetch(`${b.baseUrl}/v1/models`, { headers: key ? { authorization: `Bearer ${key}` } : {} }).then((r) => r.status);
    await eventually(async () => ((await models()) === 401 ? true : undefined));
    expect(await models(created.body.secret)).toBe(200);
  });
});
