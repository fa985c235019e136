import { UsageProbeService } from '@mcp/accounts';
import { startStack, type Stack } from './helpers/stack';

interface Window {
  used_percent: number;
  limit_window_seconds: number;
  reset_after_seconds: number;
  reset_at: number;
}

interface Usage {
  plan_type: string;
  rate_limit: {
    allowed: boolean;
    limit_reached: boolean;
    primary_window: Window | null;
    secondary_window: Window | null;
  };
  credits: unknown;
  pool: {
    accounts: number;
    available_accounts: number;
    five_hour: { accounts: number; capacity_left_percent: number; next_reset_at: number | null } | null;
    weekly: { accounts: number; capacity_left_percent: number; next_reset_at: number | null } | null;
    dry_at: number | null;
    available_again_at: number | null;
  };
}

/**
 * What Codex CLI's backend client decodes (codex-backend-openapi-models RateLimitStatusPayload): a plan it knows (the
 * stack's accounts are on the emulator's default, `plus`) and integer window fields. A float or an unknown plan would
 * make Codex drop the whole answer.
 */
function expectCodexDecodes(body: Usage): void {
  expect(body.plan_type).toBe('plus');
  expect(typeof body.rate_limit.allowed).toBe('boolean');
  expect(typeof body.rate_limit.limit_reached).toBe('boolean');
  for (const window of [body.rate_limit.primary_window, body.rate_limit.secondary_window]) {
    if (window === null) continue;
    for (const key of ['used_percent', 'limit_window_seconds', 'reset_after_seconds', 'reset_at'] as const) {
      expect(Number.isInteger(window[key])).toBe(true);
    }
  }
}

describe('pooled usage for clients: GET /backend-api/wham/usage (PROTOCOL §6, §13.4)', () => {
  let stack: Stack;

  async function setUsage(index: number, usage: { fiveHour?: number; weekly?: number }): Promise<void> {
    const account = stack.accounts[index]!;
    stack.fake.setUsage(account.fakeId, usage);
    await stack.app.get(UsageProbeService).probe(account.id);
  }

  async function usage(path = '/backend-api/wham/usage', headers: Record<string, string> = {}): Promise<Usage> {
    const response = await fetch(`${stack.baseUrl}${path}`, { headers: { authorization: 'Bearer x', ...headers } });
    expect(response.status).toBe(200);
    return (await response.json()) as Usage;
  }

  beforeAll(async () => {
    stack = await startStack({ accounts: 3 });
  });

  afterAll(async () => {
    await stack.close();
  });

  beforeEach(async () => {
    await stack.reset();
  });

  it('shows the windows of the account the next request goes to, in a shape Codex decodes', async () => {
    await setUsage(0, { fiveHour: 37.6, weekly: 12 });
    await setUsage(1, { fiveHour: 20, weekly: 60 });
    await setUsage(2, { fiveHour: 5, weekly: 90 });
    const body = await usage();
    expectCodexDecodes(body);
    // Routing's tier 2: the weekly window that refills soonest wins; all three reset together here, so priority.
    expect(body.rate_limit).toEqual(
      expect.objectContaining({
        allowed: true,
        limit_reached: false,
        primary_window: expect.objectContaining({ used_percent: 38, limit_window_seconds: 18000 }),
        secondary_window: expect.objectContaining({ used_percent: 12, limit_window_seconds: 604800 }),
      }),
    );
    expect(body.pool).toEqual(
      expect.objectContaining({
        accounts: 3,
        available_accounts: 3,
        five_hour: expect.objectContaining({ accounts: 3, capacity_left_percent: 62 + 80 + 95 }),
        weekly: expect.objectContaining({ accounts: 3, capacity_left_percent: 88 + 40 + 10 }),
      }),
    );
  });

  it('skips a spent account: limit_reached stays false while any account can serve', async () => {
    await setUsage(0, { fiveHour: 100, weekly: 50 });
    await setUsage(1, { fiveHour: 30, weekly: 20 });
    await setUsage(2, { fiveHour: 60, weekly: 80 });
    const body = await usage();
    expect(body.rate_limit.limit_reached).toBe(false);
    expect(body.rate_limit.primary_window?.used_percent).toBe(30);
    expect(body.pool.available_accounts).toBe(2);
    // The spent account's window counts as nothing left.
    expect(body.pool.five_hour?.capacity_left_percent).toBe(0 + 70 + 40);
  });

  it('reports limit_reached only when no account can serve, with the soonest way back', async () => {
    for (const index of [0, 1, 2]) await setUsage(index, { fiveHour: 100, weekly: 40 });
    const body = await usage('/v1/usage/pool');
    expectCodexDecodes(body);
    expect(body.rate_limit).toEqual(expect.objectContaining({ allowed: false, limit_reached: true }));
    expect(body.rate_limit.primary_window?.used_percent).toBe(100);
    expect(body.pool.available_accounts).toBe(0);
    expect(body.pool.available_again_at).toBe(body.rate_limit.primary_window?.reset_at);
  });

  it('answers the same on the path Codex uses without /backend-api, and never names an account', async () => {
    const body = await usage('/api/codex/usage');
    const text = JSON.stringify(body);
    for (const account of stack.accounts) {
      expect(text).not.toContain(account.id);
      expect(text).not.toContain(account.email);
    }
    expect(body.pool.accounts).toBe(3);
  });

  it('follows the session a client is pinned to', async () => {
    await setUsage(0, { fiveHour: 10, weekly: 10 });
    await setUsage(1, { fiveHour: 70, weekly: 70 });
    await setUsage(2, { fiveHour: 90, weekly: 90 });
    // Pin a session to the second account by a request served there while the first is out.
    stack.fake.inject(stack.accounts[0]!.fakeId, { kind: 'http', status: 500 }, 1);
    const served = await fetch(`${stack.baseUrl}/v1/responses`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', session_id: 'pinned-session' },
      body: JSON.stringify({ model: 'gpt-5.3-codex', input: 'hi' }),
    });
    expect(served.status).toBe(200);
    const pinned = await usage('/backend-api/wham/usage', { session_id: 'pinned-session' });
    const other = await usage('/backend-api/wham/usage', { session_id: 'another-session' });
    expect(pinned.rate_limit.primary_window?.used_percent).not.toBe(other.rate_limit.primary_window?.used_percent);
  });
});

describe('pooled usage: when the pool runs dry', () => {
  let stack: Stack;

  beforeAll(async () => {
    // Every request costs 5 % of both windows of the account that serves it, so the forecast has a pace and a cost.
    stack = await startStack({ accounts: 2, fake: { defaultPercentPerRequest: 5 } });
    for (const account of stack.accounts) await stack.app.get(UsageProbeService).probe(account.id);
  });

  afterAll(async () => {
    await stack.close();
  });

  it("gives the forecast's dry time once traffic has shown the pace", async () => {
    const before = (await (await fetch(`${stack.baseUrl}/v1/usage/pool`)).json()) as Usage;
    expect(before.pool.dry_at).toBeNull();
    for (let i = 0; i < 6; i++) {
      const res = await fetch(`${stack.baseUrl}/v1/responses`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ model: 'gpt-5.3-codex', input: `burn ${i}` }),
      });
      expect(res.status).toBe(200);
      await res.arrayBuffer();
    }
    const after = (await (await fetch(`${stack.baseUrl}/v1/usage/pool`)).json()) as Usage;
    expect(after.pool.dry_at).toEqual(expect.any(Number));
    expect(after.pool.dry_at! * 1000).toBeGreaterThan(Date.now());
    const forecast = (await (
      await fetch(`${stack.baseUrl}/admin/forecast`, { headers: { 'x-admin-token': stack.adminToken } })
    ).json()) as { dryAt: number };
    expect(Math.abs(after.pool.dry_at! - forecast.dryAt / 1000)).toBeLessThan(120);
    // Six requests at 5 % spread over two accounts: 170 % of one 5-hour window is left in the pool.
    expect(after.pool.five_hour?.capacity_left_percent).toBe(170);
  });
});
