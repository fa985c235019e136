import { AccountsService } from '@mcp/accounts';
import { RoutingService } from '@mcp/routing';
import { eventually, postJson, traceOf } from './helpers/client';
import { startStack, type Stack } from './helpers/stack';

const MODEL = 'gpt-5.3-codex';

/** PROTOCOL §7.4 (revised): a cooldown demotes an account, it never excludes it. */
describe('routing under upstream faults', () => {
  let stack: Stack;
  let user1: Stack['accounts'][number];
  let user2: Stack['accounts'][number];
  let user3: Stack['accounts'][number];

  beforeAll(async () => {
    stack = await startStack({ accounts: 3 });
    [user1, user2, user3] = stack.accounts as [typeof user1, typeof user2, typeof user3];
  });

  beforeEach(async () => {
    await stack.reset();
  });

  afterAll(async () => {
    await stack.close();
  });

  const ask = (text: string, headers: Record<string, string> = {}) =>
    postJson(stack, '/v1/chat/completions', { model: MODEL, messages: [{ role: 'user', content: text }] }, headers);

  const attempts = (trace: { attempts: Array<{ accountId: string; class: string }> }) =>
    trace.attempts.map((a) => [a.accountId, a.class]);

  it('serves from two accounts that blipped once while the third runs out of quota', async () => {
    stack.fake.inject(user1.fakeId, { kind: 'http', status: 500 });
    stack.fake.inject(user2.fakeId, { kind: 'http', status: 500 });
    const first = await ask('blip');
    expect(first.status).toBe(200);
    expect(attempts(await traceOf(stack, first.headers.get('x-request-id')))).toEqual([
      [user1.id, 'transient'],
      [user2.id, 'transient'],
      [user3.id, 'ok'],
    ]);

    // user1 and user2 cool down for TRANSIENT_COOLDOWN_MS; now user3 is spent.
    stack.fake.setUsage(user3.fakeId, { fiveHour: 100 });
    const replies: number[] = [];
    for (let i = 0; i < 5; i++) {
      const res = await ask(`after quota ${i}`);
      replies.push(res.status);
      const body = (await res.json()) as { choices?: { message: { content: string } }[] };
      if (res.status === 200) expect(body.choices?.[0]?.message.content).toBe(`echo: after quota ${i}`);
      if (i === 0) {
        const trace = await traceOf(stack, res.headers.get('x-request-id'));
        // The account without a cooldown first; then the cooling one whose cooldown ends soonest.
        expect(attempts(trace)).toEqual([
          [user3.id, 'quota'],
          [user1.id, 'ok'],
        ]);
        expect(trace.routing?.candidates.find((c) => c.accountId === user1.id)?.reason).toMatch(/cooling down/);
      }
    }
    expect(replies).toEqual([200, 200, 200, 200, 200]);
  });

  it('answers 429 (not 503) once every account is out of quota after a transient blip', async () => {
    stack.fake.inject(user1.fakeId, { kind: 'http', status: 502 });
    // A text of its own: the same first message would derive the same session key as the first test's (§2.4).
    const blip = await ask('blip before the pool runs out');
    expect(blip.status).toBe(200);
    expect(attempts(await traceOf(stack, blip.headers.get('x-request-id')))).toEqual([
      [user1.id, 'transient'],
      [user2.id, 'ok'],
    ]);
    for (const account of stack.accounts) stack.fake.setUsage(account.fakeId, { fiveHour: 100 });
    const res = await ask('all spent');
    const spent = await traceOf(stack, res.headers.get('x-request-id'));
    expect(attempts(spent).map(([, cls]) => cls)).toEqual(['quota', 'quota', 'quota']);
    expect(res.status).toBe(429);
    const body = (await res.json()) as { error: { type: string; code: string; message: string } };
    expect(body.error).toMatchObject({ type: 'usage_limit_reached', code: 'all_accounts_exhausted' });
    expect(body.error.message).toMatch(/^All 3 accounts are at their usage limit/);
    expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
  });

  it('answers 503 only when every account failed transiently in this request, and the trace says so', async () => {
    for (const account of stack.accounts) stack.fake.inject(account.fakeId, { kind: 'http', status: 503 }, 5);
    const res = await ask('all down');
    expect(res.status).toBe(503);
    const body = (await res.json()) as { error: { code: string } };
    expect(body.error.code).toBe('upstream_unavailable');
    const trace = await traceOf(stack, res.headers.get('x-request-id'));
    const tried = new Set(trace.attempts.map((a) => a.accountId));
    expect(tried).toEqual(new Set([user1.id, user2.id, user3.id]));
    expect(trace.attempts.every((a) => a.class === 'transient')).toBe(true);
    expect(trace.routing?.skipped.map((s) => s.reason)).toEqual([
      expect.stringMatching(/failed in this request/),
      expect.stringMatching(/failed in this request/),
      expect.stringMatching(/failed in this request/),
    ]);
    // The accounts are healthy again: the next request is served at once, without waiting out the cooldowns.
    for (const account of stack.accounts) stack.fake.clearFaults(account.fakeId);
    const next = await ask('back');
    expect(next.status).toBe(200);
  });

  it('keeps a session on its account while that account is only cooling down', async () => {
    const session = { 'x-session-id': 'team-session-blip' };
    const first = await ask('turn 1', session);
    const owner = (await traceOf(stack, first.headers.get('x-request-id'))).accountId;
    // Another request's 500 puts the owner into a cooldown; the session still goes back to it.
    stack.app.get(RoutingService).recordFailure(owner!, MODEL, { kind: 'transient', status: 500, message: 'blip' });
    expect(stack.app.get(AccountsService).get(owner!)?.state.modelBlocks[MODEL]?.kind).toBe('transient');
    expect((await ask('someone else')).status).toBe(200);
    const second = await ask('turn 2', session);
    expect(second.status).toBe(200);
    const trace = await traceOf(stack, second.headers.get('x-request-id'));
    expect(trace.accountId).toBe(owner);
    expect(trace.routing?.sessionAffinity).toBe(true);
    expect(trace.routing?.candidates[0]?.reason).toMatch(/^session affinity; otherwise tier \d: cooling down/);
    // The success ended the cooldown.
    await eventually(() => (stack.app.get(AccountsService).get(owner!)?.state.modelBlocks[MODEL] ? undefined : true));
  });

  it('quarantines an account that keeps failing, shows it in the admin API, and stops trying it first', async () => {
    // Only user1 can serve, and it fails three times in a row (the first try and both retries).
    stack.fake.setUsage(user2.fakeId, { fiveHour: 100 });
    stack.fake.setUsage(user3.fakeId, { fiveHour: 100 });
    stack.fake.inject(user1.fakeId, { kind: 'http', status: 500 }, 3);
    const failed = await ask('keeps failing');
    expect(failed.status).toBe(503);
    const { accounts } = (await (
      await fetch(`${stack.baseUrl}/admin/accounts`, { headers: { 'x-admin-token': stack.adminToken } })
    ).json()) as { accounts: { id: string; state: { modelBlocks: Record<string, Record<string, unknown>> } }[] };
    const block = accounts.find((a) => a.id === user1.id)?.state.modelBlocks[MODEL];
    expect(block).toMatchObject({ kind: 'quarantine', strikes: 3 });
    expect(block?.reason).toMatch(/^quarantined after 3 transient failures in a row/);
    expect(Number(block?.until)).toBeGreaterThan(Date.now() + 20_000);

    // user2 is back (its window reset): the next request goes there without touching user1.
    stack.fake.resetWindows(user2.fakeId);
    await fetch(`${stack.baseUrl}/admin/accounts/${user2.id}/refresh-usage`, {
      method: 'POST',
      headers: { 'x-admin-token': stack.adminToken },
    });
    const next = await ask('after the quarantine');
    expect(next.status).toBe(200);
    expect(attempts(await traceOf(stack, next.headers.get('x-request-id')))).toEqual([[user2.id, 'ok']]);
  });
});
