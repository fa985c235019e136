import { NeedsReauthError, UpstreamCallError } from '@mcp/accounts';
import { FAKE_CLOCK_START } from '@mcp/testing';
import { storedAccount } from '../test/builders';
import { deferred, json } from '../test/scripted-http';
import { type UnitHarness, settle, unitHarness } from '../test/unit-harness';

const USAGE = '/backend-api/wham/usage';
const INTERVAL = 300_000;
const NOW_S = Math.floor(FAKE_CLOCK_START / 1000);

function window(usedPercent: number, seconds: number, resetInS: number) {
  return {
    used_percent: usedPercent,
    limit_window_seconds: seconds,
    reset_after_seconds: resetInS,
    reset_at: NOW_S + resetInS,
  };
}

function usageBody(primary: unknown, secondary: unknown, extra: Record<string, unknown> = {}) {
  return {
    plan_type: 'plus',
    rate_limit: { allowed: true, limit_reached: false, primary_window: primary, secondary_window: secondary, ...extra },
    credits: null,
  };
}

describe('UsageProbeService', () => {
  let h: UnitHarness;

  afterEach(() => h.close());

  describe('window classification (by length, never by position)', () => {
    beforeEach(async () => {
      h = await unitHarness([storedAccount()]);
    });

    it.each<[string, unknown, { fiveHour?: number; weekly?: number }]>([
      ['5-hour only', usageBody(window(30, 18_000, 600), null), { fiveHour: 30 }],
      ['weekly only, sent as the primary window', usageBody(window(55, 604_800, 86_400), null), { weekly: 55 }],
      [
        'both, in reverse positions',
        usageBody(window(70, 604_800, 86_400), window(10, 18_000, 600)),
        { fiveHour: 10, weekly: 70 },
      ],
      ['neither', usageBody(null, null), {}],
    ])('%s', async (_name, body, expected) => {
      h.http.on(USAGE, () => json(200, body));
      const account = await h.probes.probe('acc_1');
      expect(account.usage?.fiveHour?.usedPercent).toBe(expected.fiveHour);
      expect(account.usage?.weekly?.usedPercent).toBe(expected.weekly);
      expect(account.usage).toMatchObject({
        source: 'probe',
        fetchedAt: FAKE_CLOCK_START,
        planType: 'plus',
        allowed: true,
      });
      expect(account.state.blockedUntil).toBeUndefined();
    });

    it('blocks the account until the exhausted window resets', async () => {
      h.http.on(USAGE, () => json(200, usageBody(window(40, 18_000, 600), window(100, 604_800, 86_400))));
      const account = await h.probes.probe('acc_1');
      expect(account.state).toMatchObject({ blockKind: 'quota', blockedUntil: (NOW_S + 86_400) * 1000 });
      expect(account.state.blockReason).toMatch(/weekly/);
    });

    it('lifts a quota block once the exhausted window has rolled over', async () => {
      h.http.on(USAGE, () => json(200, usageBody(window(100, 18_000, 600), null)));
      expect((await h.probes.probe('acc_1')).state.blockKind).toBe('quota');
      h.clock.advance(700_000);
      h.http.on(USAGE, () => json(200, usageBody(window(0, 18_000, 18_000 + 700), null)));
      const account = await h.probes.probe('acc_1');
      expect(account.state.blockKind).toBeUndefined();
      expect(account.state.blockedUntil).toBeUndefined();
    });

    it('lifts a plan block when the probe says allowed:true', async () => {
      h.accounts.setBlock('acc_1', {
        until: FAKE_CLOCK_START + 10 * INTERVAL,
        kind: 'plan',
        reason: 'usage_not_included',
      });
      h.http.on(USAGE, () => json(200, usageBody(window(5, 18_000, 600), null)));
      expect((await h.probes.probe('acc_1')).state.blockKind).toBeUndefined();
    });
  });

  describe('failures', () => {
    beforeEach(async () => {
      h = await unitHarness([storedAccount()]);
    });

    it('keeps the previous snapshot and records the error when a probe fails', async () => {
      h.http.on(USAGE, () => json(200, usageBody(window(12, 18_000, 600), null)));
      await h.probes.probe('acc_1');
      h.http.on(USAGE, () => json(502, { detail: 'bad gateway' }));
      await expect(h.probes.probe('acc_1')).rejects.toBeInstanceOf(UpstreamCallError);
      const account = h.accounts.get('acc_1');
      expect(account?.usage?.fiveHour?.usedPercent).toBe(12);
      expect(account?.state.recentErrors[0]).toMatchObject({ status: 502 });
    });

    it('refreshes once and retries after a 401, then flags a second 401 for re-login', async () => {
      let usageCalls = 0;
      h.http.on('/oauth/token', () =>
        json(200, { access_token: 'access-2', refresh_token: 'refresh-2', expires_in: 3600 }),
      );
      h.http.on(USAGE, (call) => {
        usageCalls += 1;
        return call.auth?.accessToken === 'access-2'
          ? json(200, usageBody(window(1, 18_000, 600), null))
          : json(401, {});
      });
      await expect(h.probes.probe('acc_1')).resolves.toMatchObject({ accessToken: 'access-2' });
      expect(usageCalls).toBe(2);

      h.http.on(USAGE, () => json(401, {}));
      await expect(h.probes.probe('acc_1')).rejects.toBeInstanceOf(NeedsReauthError);
      expect(h.accounts.get('acc_1')?.state.needsReauth).toBe(true);
    });

    it('never runs two probes of one account at once', async () => {
      const release = deferred();
      h.http.on(USAGE, async () => {
        await release.promise;
        return json(200, usageBody(window(3, 18_000, 600), null));
      });
      const both = Promise.all([h.probes.probe('acc_1'), h.probes.probe('acc_1')]);
      await settle();
      release.resolve();
      await both;
      expect(h.http.callsTo(USAGE)).toHaveLength(1);
    });
  });

  describe('probeAll', () => {
    it('reports per-account errors from probeAll without failing the others', async () => {
      h = await unitHarness([
        storedAccount({ id: 'acc_ok' }),
        storedAccount({ id: 'acc_bad', chatgptAccountId: 'ws-bad' }),
        storedAccount({ id: 'acc_off', chatgptAccountId: 'ws-off', enabled: false }),
      ]);
      h.http.on(USAGE, (call) =>
        call.auth?.chatgptAccountId === 'ws-bad' ? json(500, {}) : json(200, usageBody(window(9, 18_000, 600), null)),
      );
      const result = await h.probes.probeAll();
      expect(result.errors).toEqual([{ accountId: 'acc_bad', message: 'usage probe answered HTTP 500' }]);
      expect(result.accounts.find((a) => a.id === 'acc_ok')?.usage?.fiveHour?.usedPercent).toBe(9);
      expect(h.http.callsTo(USAGE)).toHaveLength(2);
    });
  });

  describe('schedule', () => {
    it('probes each signed-in account at once, then every interval ±10 %', async () => {
      h = await unitHarness(
        [
          storedAccount({ id: 'acc_a' }),
          storedAccount({ id: 'acc_b', chatgptAccountId: 'ws-b' }),
          storedAccount({
            id: 'acc_reauth',
            chatgptAccountId: 'ws-c',
            state: { modelBlocks: {}, needsReauth: true, recentErrors: [] },
          }),
        ],
        { USAGE_REFRESH_INTERVAL_MS: String(INTERVAL) },
      );
      h.http.on(USAGE, () => json(200, usageBody(window(1, 18_000, 600), null)));

      await h.probes.runDue();
      expect(h.http.callsTo(USAGE)).toHaveLength(2);
      for (const id of ['acc_a', 'acc_b']) {
        const next = h.probes.nextProbeAt(id) ?? 0;
        expect(next).toBeGreaterThanOrEqual(FAKE_CLOCK_START + INTERVAL * 0.9);
        expect(next).toBeLessThanOrEqual(FAKE_CLOCK_START + INTERVAL * 1.1);
      }

      h.clock.advance(INTERVAL * 0.89);
      await h.probes.runDue();
      expect(h.http.callsTo(USAGE)).toHaveLength(2);

      h.clock.advance(INTERVAL * 0.22);
      await h.probes.runDue();
      expect(h.http.callsTo(USAGE)).toHaveLength(4);
      expect(h.accounts.get('acc_a')?.usage?.fetchedAt).toBe(h.clock.now());
    });

    it('waits out the interval of a probe made before a restart', async () => {
      const earlier = { fetchedAt: FAKE_CLOCK_START - INTERVAL / 2, source: 'probe' as const };
      h = await unitHarness([storedAccount({ usage: earlier })], { USAGE_REFRESH_INTERVAL_MS: String(INTERVAL) });
      h.http.on(USAGE, () => json(200, usageBody(window(1, 18_000, 600), null)));
      await h.probes.runDue();
      expect(h.http.callsTo(USAGE)).toHaveLength(0);
      h.clock.advance(INTERVAL * 0.61);
      await h.probes.runDue();
      expect(h.http.callsTo(USAGE)).toHaveLength(1);
    });
  });
});
