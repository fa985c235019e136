import type { FakeChatgpt } from '../src';
import { codexHeaders, login, postResponses, startFake, validBody, type Login } from './helpers';

const T0 = Date.UTC(2026, 0, 1);
let now = T0;
const LONG_TTL = 30 * 86_400;
let fake: FakeChatgpt;

beforeAll(async () => {
  fake = await startFake({ clock: () => now });
});
afterAll(() => fake.stop());

async function usage(l: Login): Promise<Record<string, unknown>> {
  const res = await fetch(`${fake.url}/backend-api/wham/usage`, {
    headers: codexHeaders(l, { accept: 'application/json' }),
  });
  expect(res.status).toBe(200);
  return (await res.json()) as Record<string, unknown>;
}

describe('quota windows', () => {
  it('consumes the configured share per request and answers 429 at 100 %', async () => {
    const l = login(fake, 'quota@example.com', {
      windows: { fiveHour: { limitPercentPerRequest: 50 }, weekly: { limitPercentPerRequest: 10 } },
    });
    const first = await postResponses(fake, l, validBody());
    expect(first.headers.get('x-codex-primary-used-percent')).toBe('50');
    expect(first.headers.get('x-codex-secondary-used-percent')).toBe('10');
    await first.text();
    expect((await postResponses(fake, l, validBody())).status).toBe(200);
    const blocked = await postResponses(fake, l, validBody());
    expect(blocked.status).toBe(429);
    const body = (await blocked.json()) as { error: Record<string, unknown> };
    expect(body.error).toEqual({
      type: 'usage_limit_reached',
      message: 'The usage limit has been reached',
      plan_type: 'plus',
      resets_at: Math.floor((T0 + 18_000_000) / 1000),
      resets_in_seconds: 18_000,
      eligible_promo: null,
    });
    expect(blocked.headers.get('x-codex-primary-used-percent')).toBe('100');
    expect(await usage(l)).toMatchObject({ rate_limit: { allowed: false, limit_reached: true } });
  });

  it('resets a window when the clock passes its reset time', async () => {
    const l = login(fake, 'reset@example.com', {
      accessTokenTtlSec: LONG_TTL,
      windows: { fiveHour: { usedPercent: 100 }, weekly: {} },
    });
    expect((await postResponses(fake, l, validBody())).status).toBe(429);
    fake.advance(18_000_000);
    const res = await postResponses(fake, l, validBody());
    expect(res.status).toBe(200);
    expect(res.headers.get('x-codex-primary-used-percent')).toBe('1');
    await res.text();
  });

  it('follows an external clock function and setUsage / resetWindows', async () => {
    const l = login(fake, 'clock@example.com', { accessTokenTtlSec: LONG_TTL, windows: { weekly: {} } });
    fake.setUsage(l.account.id, { weekly: 100 });
    expect((await postResponses(fake, l, validBody())).status).toBe(429);
    fake.resetWindows(l.account.id);
    expect((await postResponses(fake, l, validBody())).status).toBe(200);
    fake.setUsage(l.account.id, { weekly: 100 });
    now += 604_800_000 + 1;
    expect((await postResponses(fake, l, validBody())).status).toBe(200);
  });

  it('uses options.defaultPercentPerRequest for windows that do not set a share', async () => {
    fake.options.defaultPercentPerRequest = 0;
    try {
      const l = login(fake, 'free-ride@example.com', { accessTokenTtlSec: LONG_TTL });
      for (let i = 0; i < 3; i++) await (await postResponses(fake, l, validBody())).text();
      expect(fake.account(l.account.id).windows.fiveHour!.usedPercent).toBe(0);
    } finally {
      fake.options.defaultPercentPerRequest = 1;
    }
  });
});

describe('usage probe shapes', () => {
  it('reports both windows by their duration', async () => {
    const l = login(fake, 'both@example.com');
    fake.setUsage(l.account.id, { fiveHour: 12, weekly: 40 });
    const body = await usage(l);
    const t = Math.floor(fake.now() / 1000);
    expect(body).toEqual({
      plan_type: 'plus',
      rate_limit: {
        allowed: true,
        limit_reached: false,
        primary_window: {
          used_percent: 12,
          limit_window_seconds: 18000,
          reset_after_seconds: 18000,
          reset_at: t + 18000,
        },
        secondary_window: {
          used_percent: 40,
          limit_window_seconds: 604800,
          reset_after_seconds: 604800,
          reset_at: t + 604800,
        },
      },
      credits: { has_credits: false, unlimited: false, balance: '0' },
    });
  });

  it('sends a weekly-only plan as primary_window with secondary_window null, and headers to match', async () => {
    const l = login(fake, 'weekly@example.com', { plan: 'free', windows: { weekly: {} } });
    const body = (await usage(l)) as { rate_limit: Record<string, Record<string, number> | null>; plan_type: string };
    expect(body.plan_type).toBe('free');
    expect(body.rate_limit.primary_window!.limit_window_seconds).toBe(604800);
    expect(body.rate_limit.secondary_window).toBeNull();
    const res = await postResponses(fake, l, validBody());
    await res.text();
    expect(res.headers.get('x-codex-primary-window-minutes')).toBe('10080');
    expect(res.headers.get('x-codex-secondary-window-minutes')).toBe('0');
    expect(res.headers.get('x-codex-plan-type')).toBe('free');
  });

  it('sends a 5h-only plan as primary 18000 s with no secondary', async () => {
    const l = login(fake, 'five@example.com', { windows: { fiveHour: {} } });
    const body = (await usage(l)) as { rate_limit: Record<string, Record<string, number> | null> };
    expect(body.rate_limit.primary_window!.limit_window_seconds).toBe(18000);
    expect(body.rate_limit.secondary_window).toBeNull();
  });

  it('requires the token and the account header', async () => {
    const l = login(fake, 'probe@example.com');
    const noAuth = await fetch(`${fake.url}/backend-api/wham/usage`);
    expect(noAuth.status).toBe(401);
    const wrong = await fetch(`${fake.url}/backend-api/wham/usage`, {
      headers: codexHeaders(l, { 'chatgpt-account-id': 'x' }),
    });
    expect(wrong.status).toBe(403);
    expect(fake.counters().requests[l.account.id]?.usage).toBe(1);
  });
});
