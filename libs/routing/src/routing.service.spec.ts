import { NoAccountAvailableError } from './no-account';
import { AFFINITY_TTL, MODEL, OTHER_MODEL, RoutingHarness, stored } from '../test/routing-harness';
import { DAY, fiveHour, HOUR, usage, weekly } from '../test/routing-fixtures';

describe('RoutingService', () => {
  const h = new RoutingHarness();
  afterEach(() => h.stop());

  describe('choose', () => {
    it('ranks the candidates, explains them, and stamps lastSelectedAt on the choice', async () => {
      await h.start([stored('acc_b'), stored('acc_a', { priority: 1 })]);
      const decision = h.routing.choose(MODEL, { excluded: new Set() });
      expect(decision.candidates.map((c) => [c.accountId, c.tier])).toEqual([
        ['acc_b', 3],
        ['acc_a', 3],
      ]);
      expect(decision.candidates[0]?.reason).toBe('no usage snapshot; priority 0');
      expect(decision.sessionAffinity).toBe(false);
      expect(h.accounts.get('acc_b')?.state.lastSelectedAt).toBe(h.clock.now());
      expect(h.accounts.get('acc_a')?.state.lastSelectedAt).toBeUndefined();
    });

    it('spreads new work over untouched accounts of equal priority', async () => {
      await h.start([stored('acc_a'), stored('acc_b')]);
      h.accounts.recordUsage('acc_a', h.untouched());
      h.accounts.recordUsage('acc_b', h.untouched());
      const picks: (string | undefined)[] = [];
      for (let i = 0; i < 4; i++) {
        picks.push(h.chosen());
        h.clock.advance(10);
      }
      expect(picks).toEqual(['acc_a', 'acc_b', 'acc_a', 'acc_b']);
    });

    it('lists why each other account was skipped', async () => {
      await h.start([
        stored('acc_off', { enabled: false }),
        stored('acc_reauth', { state: { needsReauth: true } }),
        stored('acc_ok'),
      ]);
      const decision = h.routing.choose(MODEL, { excluded: new Set() });
      expect(decision.candidates.map((c) => c.accountId)).toEqual(['acc_ok']);
      expect(decision.skipped).toEqual([
        { accountId: 'acc_off', reason: 'disabled' },
        { accountId: 'acc_reauth', reason: 'needs a new login' },
      ]);
    });

    it('skips accounts already tried in this request and those the catalogue does not list for the model', async () => {
      await h.start([stored('acc_a'), stored('acc_b'), stored('acc_c')]);
      h.catalog.lists.set(MODEL, ['acc_a', 'acc_b']);
      expect(h.routing.choose(MODEL, { excluded: new Set(['acc_a']) }).candidates.map((c) => c.accountId)).toEqual([
        'acc_b',
      ]);
      expect(h.chosen(OTHER_MODEL, undefined, ['acc_a', 'acc_b'])).toBe('acc_c');
    });

    it('records a quota block when the snapshot shows a spent window', async () => {
      await h.start([stored('acc_a'), stored('acc_b')]);
      const reset = h.clock.now() + 2 * HOUR;
      h.accounts.recordUsage(
        'acc_a',
        usage(h.clock.now(), { fiveHour: fiveHour(100, reset), weekly: weekly(50, h.clock.now() + DAY) }),
      );
      expect(h.chosen()).toBe('acc_b');
      expect(h.accounts.get('acc_a')?.state).toMatchObject({ blockedUntil: reset, blockKind: 'quota' });
    });
  });

  describe('session affinity', () => {
    async function twoAccounts(): Promise<void> {
      await h.start([stored('acc_a'), stored('acc_b')]);
      h.accounts.recordUsage('acc_a', h.untouched());
      h.accounts.recordUsage('acc_b', h.used(20));
    }

    it('keeps a session on the account that served it, even when another now ranks higher', async () => {
      await twoAccounts();
      expect(h.chosen(MODEL, 's1')).toBe('acc_a');
      h.routing.recordSuccess('acc_a', 's1', MODEL);
      h.accounts.recordUsage('acc_a', h.used(30, 2 * DAY));
      const decision = h.routing.choose(MODEL, { sessionKey: 's1', excluded: new Set() });
      expect(decision.candidates[0]).toMatchObject({ accountId: 'acc_a', tier: 'affinity' });
      expect(decision.sessionAffinity).toBe(true);
      expect(h.chosen(MODEL, 'another-session')).toBe('acc_b');
    });

    it('lets the session go once the TTL has passed', async () => {
      await twoAccounts();
      h.routing.recordSuccess('acc_a', 's1', MODEL);
      h.accounts.recordUsage('acc_a', h.used(30, 2 * DAY));
      h.clock.advance(AFFINITY_TTL);
      expect(h.chosen(MODEL, 's1')).toBe('acc_b');
    });

    it('moves the session when its account is blocked, and keeps it on the new account afterwards', async () => {
      await twoAccounts();
      h.routing.recordSuccess('acc_a', 's1', MODEL);
      h.routing.recordFailure('acc_a', MODEL, {
        kind: 'quota',
        message: 'usage limit',
        status: 429,
        resetAt: h.clock.now() + 10 * 60_000,
      });
      const decision = h.routing.choose(MODEL, { sessionKey: 's1', excluded: new Set() });
      expect(decision.candidates.map((c) => c.accountId)).toEqual(['acc_b']);
      expect(decision.sessionAffinity).toBe(false);
      h.routing.recordSuccess('acc_b', 's1', MODEL);
      h.clock.advance(11 * 60_000);
      expect(h.chosen(MODEL, 's1')).toBe('acc_b');
    });

    it('is off when SESSION_AFFINITY_TTL_MS is 0', async () => {
      await h.start([stored('acc_a'), stored('acc_b')], { SESSION_AFFINITY_TTL_MS: '0' });
      h.accounts.recordUsage('acc_a', h.untouched());
      h.accounts.recordUsage('acc_b', h.used(20));
      h.routing.recordSuccess('acc_b', 's1', MODEL);
      expect(h.chosen(MODEL, 's1')).toBe('acc_a');
    });
  });

  describe('chooseOrWait (HANG_RETRY_MAX_DURATION_MS)', () => {
    const quotaFor = (ms: number) => ({
      kind: 'quota' as const,
      message: 'limit',
      status: 429,
      resetAt: h.clock.now() + ms,
    });

    it('fails at once when waiting is off', async () => {
      await h.start([stored('acc_a')]);
      h.routing.recordFailure('acc_a', MODEL, quotaFor(20_000));
      await expect(h.routing.chooseOrWait(MODEL, { excluded: new Set() })).rejects.toBeInstanceOf(
        NoAccountAvailableError,
      );
    });

    it('waits on the clock (not in real time) for the soonest reset within the limit', async () => {
      await h.start([stored('acc_a')], { HANG_RETRY_MAX_DURATION_MS: '60000' });
      h.routing.recordFailure('acc_a', MODEL, quotaFor(45_000));
      let settled = false;
      const waiting = h.routing.chooseOrWait(MODEL, { excluded: new Set() }).finally(() => (settled = true));
      expect(h.timers.pending).toBe(1);
      h.clock.advance(44_999);
      await Promise.resolve();
      expect(settled).toBe(false);
      h.clock.advance(1);
      await expect(waiting).resolves.toMatchObject({ candidates: [expect.objectContaining({ accountId: 'acc_a' })] });
    });

    it('stops waiting when the request is cancelled', async () => {
      await h.start([stored('acc_a')], { HANG_RETRY_MAX_DURATION_MS: '60000' });
      h.routing.recordFailure('acc_a', MODEL, quotaFor(45_000));
      const abort = new AbortController();
      const waiting = h.routing.chooseOrWait(MODEL, { excluded: new Set() }, abort.signal);
      abort.abort(new Error('client gone'));
      await expect(waiting).rejects.toThrow('client gone');
      expect(h.timers.pending).toBe(0);
    });

    it('does not wait for a reset beyond the limit', async () => {
      await h.start([stored('acc_a')], { HANG_RETRY_MAX_DURATION_MS: '60000' });
      h.routing.recordFailure('acc_a', MODEL, quotaFor(HOUR));
      await expect(h.routing.chooseOrWait(MODEL, { excluded: new Set() })).rejects.toMatchObject({
        reason: 'exhausted',
      });
    });

    it('does not wait for an account that already failed in this request', async () => {
      await h.start([stored('acc_a')], { HANG_RETRY_MAX_DURATION_MS: '60000' });
      h.routing.recordFailure('acc_a', MODEL, { kind: 'transient', message: '502', status: 502 });
      await expect(h.routing.chooseOrWait(MODEL, { excluded: new Set(['acc_a']) })).rejects.toMatchObject({
        reason: 'transient',
      });
      expect(h.timers.pending).toBe(0);
    });
  });

  describe('quarantine', () => {
    const fail = () => h.routing.recordFailure('acc_a', MODEL, { kind: 'transient', message: '500', status: 500 });

    it('grows repeated transient failures into a bounded quarantine that ranks last and a success ends', async () => {
      await h.start([stored('acc_a'), stored('acc_b'), stored('acc_c')]);
      h.routing.recordFailure('acc_c', MODEL, { kind: 'transient', message: '502', status: 502 });
      const blockOf = () => h.accounts.get('acc_a')?.state.modelBlocks[MODEL];
      fail();
      fail();
      expect(blockOf()).toMatchObject({ kind: 'transient', strikes: 2, until: h.clock.now() + 15_000 });
      fail();
      expect(blockOf()).toMatchObject({ kind: 'quarantine', strikes: 3, until: h.clock.now() + 30_000 });
      expect(blockOf()?.reason).toMatch(/^quarantined after 3 transient failures in a row/);
      fail();
      expect(blockOf()).toMatchObject({ strikes: 4, until: h.clock.now() + 60_000 });
      for (let i = 0; i < 10; i++) fail();
      expect(blockOf()?.until).toBe(h.clock.now() + 10 * 60_000);
      // Behind the merely cooling acc_c, and still a candidate: nothing is turned away.
      expect(h.routing.choose(MODEL, { excluded: new Set() }).candidates.map((c) => c.accountId)).toEqual([
        'acc_b',
        'acc_c',
        'acc_a',
      ]);
      h.routing.recordSuccess('acc_a', 's1', MODEL);
      await Promise.resolve();
      expect(blockOf()).toBeUndefined();
    });

    it('keeps a session off its quarantined account', async () => {
      await h.start([stored('acc_a'), stored('acc_b')]);
      h.routing.recordSuccess('acc_a', 's1', MODEL);
      fail();
      expect(h.chosen(MODEL, 's1')).toBe('acc_a');
      fail();
      fail();
      expect(h.chosen(MODEL, 's1')).toBe('acc_b');
    });
  });
});
