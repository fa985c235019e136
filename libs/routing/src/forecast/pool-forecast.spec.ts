import { Test } from '@nestjs/testing';
import { AccountRepository, AccountsService, ModelCatalogService } from '@mcp/accounts';
import { Clock } from '@mcp/config';
import type { UsageSnapshot } from '@mcp/contracts';
import { FakeClock } from '@mcp/testing';
import { stored } from '../../test/routing-harness';
import { DAY, HOUR, fiveHour, usage, weekly } from '../../test/routing-fixtures';
import { simulatePool, type SimAccount } from './pool-forecast';
import { PoolForecastService } from './pool-forecast.service';
import { InMemoryAccountRepository } from '@mcp/testing/fakes';

const MINUTE = 60_000;
const NOW = Date.UTC(2025, 0, 15, 12);

function weeklyOnly(id: string, used: number, cost: number | null, resetIn = 5 * DAY): SimAccount {
  return { id, usable: true, windows: [{ usedPercent: used, resetAt: NOW + resetIn, lengthMs: 7 * DAY, cost }] };
}

describe('simulatePool (known answers)', () => {
  it('two accounts at 1 % a request, 50 % and 80 % used, 60 requests an hour: dry in 70 minutes', () => {
    const result = simulatePool([weeklyOnly('a', 50, 1), weeklyOnly('b', 80, 1, 3 * DAY)], 60 / HOUR, NOW, 8 * DAY);
    expect(result.requestsLeft).toBeCloseTo(70, 6);
    expect(result.dryAt).toBeCloseTo(NOW + 70 * MINUTE, -1);
    // Routing drains the week that refills soonest first: b is out after 20 requests, a after 50 more.
    expect(result.accounts.get('b')?.dryAt).toBeCloseTo(NOW + 20 * MINUTE, -1);
    expect(result.accounts.get('a')?.dryAt).toBeCloseTo(NOW + 70 * MINUTE, -1);
    expect(result).toMatchObject({ capacityBackAt: NOW + 3 * DAY, capacityBackAccountId: 'b', basis: 'ok' });
  });

  it('a 5-hour window that fills first runs dry early and its reset brings capacity back', () => {
    const account: SimAccount = {
      id: 'a',
      usable: true,
      windows: [
        { usedPercent: 90, resetAt: NOW + 30 * MINUTE, lengthMs: 5 * HOUR, cost: 2 },
        { usedPercent: 10, resetAt: NOW + 6 * DAY, lengthMs: 7 * DAY, cost: 0.2 },
      ],
    };
    const result = simulatePool([account], 60 / HOUR, NOW, 8 * DAY);
    expect(result.requestsLeft).toBeCloseTo(5, 6);
    expect(result.dryAt).toBeCloseTo(NOW + 5 * MINUTE, -1);
    expect(result.capacityBackAt).toBe(NOW + 30 * MINUTE);
  });

  it('lasts past the horizon when resets refill faster than the pace, and needs a pace and a cost', () => {
    const account: SimAccount = {
      id: 'a',
      usable: true,
      windows: [{ usedPercent: 0, resetAt: NOW + HOUR, lengthMs: 5 * HOUR, cost: 0.01 }],
    };
    expect(simulatePool([account], 60 / HOUR, NOW, 8 * DAY)).toMatchObject({ dryAt: null, basis: 'ok' });
    expect(simulatePool([account], 0, NOW, 8 * DAY)).toMatchObject({ dryAt: null, basis: 'no_pace' });
    expect(simulatePool([weeklyOnly('a', 10, null)], 1, NOW, DAY)).toMatchObject({ dryAt: null, basis: 'no_cost' });
  });

  it('is dry now when every account is spent, with the soonest reset that helps', () => {
    const result = simulatePool(
      [weeklyOnly('a', 100, 1, 2 * DAY), { ...weeklyOnly('b', 20, 1, DAY), blockedUntil: NOW + 3 * HOUR }],
      1,
      NOW,
      8 * DAY,
    );
    expect(result).toMatchObject({ exhaustedNow: true, dryAt: NOW, capacityBackAt: NOW + 3 * HOUR });
    expect(result.capacityBackAccountId).toBe('b');
  });
});

describe('PoolForecastService on a synthetic history', () => {
  it('learns the cost per request and the pace from successes, and forecasts the known answer', async () => {
    const clock = new FakeClock(NOW);
    const repo = new InMemoryAccountRepository([stored('acc_a'), stored('acc_b')]);
    const moduleRef = await Test.createTestingModule({
      providers: [
        PoolForecastService,
        AccountsService,
        { provide: AccountRepository, useValue: repo },
        { provide: ModelCatalogService, useValue: { accountsFor: () => null } },
        { provide: Clock, useValue: clock },
      ],
    }).compile();
    await moduleRef.init();
    const accounts = moduleRef.get(AccountsService);
    const forecasts = moduleRef.get(PoolForecastService);
    const snapshot = (used: number, weekUsed: number): UsageSnapshot =>
      usage(clock.now(), { fiveHour: fiveHour(used, NOW + 4 * HOUR), weekly: weekly(weekUsed, NOW + 5 * DAY) });
    // 30 minutes of history: one request a minute, alternating accounts; each costs 2 % of 5 h and 0.5 % of the week.
    const used = { acc_a: 0, acc_b: 40 };
    const week = { acc_a: 10, acc_b: 10 };
    for (let i = 0; i < 30; i++) {
      clock.advance(MINUTE);
      const id = i % 2 === 0 ? 'acc_a' : 'acc_b';
      used[id] += 2;
      week[id] += 0.5;
      accounts.recordUsage(id, snapshot(used[id], week[id]));
      forecasts.observe(id);
    }
    const forecast = forecasts.forecast('gpt-5.3-codex');
    // acc_a: 30 % used → 35 requests; acc_b: 70 % → 15; 50 requests at 60 an hour → dry in 50 minutes.
    expect(forecast.requestsPerHour).toBeCloseTo(60, 0);
    expect(forecast.requestsLeft).toBe(50);
    expect(forecast.accounts.map((a) => a.percentPerRequest)).toEqual([
      { fiveHour: 2, weekly: 0.5 },
      { fiveHour: 2, weekly: 0.5 },
    ]);
    expect(Math.abs((forecast.dryAt ?? 0) - (clock.now() + 50 * MINUTE))).toBeLessThan(MINUTE);
    // Both 5-hour windows reset together: that reset is what brings capacity back.
    expect(forecast.capacityBackAt).toBe(NOW + 4 * HOUR);
    expect(forecast.relativeError).toBeGreaterThan(0);
    expect(forecast.relativeError).toBeLessThan(0.3);
    await moduleRef.close();
  });
});
