import type { RoutingFailure } from './block-policy';
import { NoAccountAvailableError } from './no-account';
import { MODEL, OTHER_MODEL, RoutingHarness, stored } from '../test/routing-harness';
import { DAY, HOUR, usage, weekly } from '../test/routing-fixtures';

describe('RoutingService blocks (PROTOCOL §7.4, §12.2)', () => {
  const h = new RoutingHarness();
  afterEach(() => h.stop());

  describe('blocks and cooldowns heal by time', () => {
    const cases: { name: string; failure: RoutingFailure; lasts: number; modelOnly: boolean }[] = [
      {
        name: 'quota until the reset',
        failure: { kind: 'quota', message: 'limit', status: 429, resetAt: Date.UTC(2025, 0, 15, 15) },
        lasts: 3 * HOUR,
        modelOnly: false,
      },
      {
        name: 'model-family quota',
        failure: {
          kind: 'quota',
          message: 'limit',
          status: 429,
          resetAt: Date.UTC(2025, 0, 15, 13),
          modelScoped: true,
        },
        lasts: HOUR,
        modelOnly: true,
      },
      {
        name: 'plan',
        failure: { kind: 'plan', message: 'usage_not_included', status: 403 },
        lasts: 1_800_000,
        modelOnly: false,
      },
      {
        name: 'rate limit (Retry-After)',
        failure: { kind: 'rate_limit', message: 'slow down', status: 429, retryAfterMs: 30_000 },
        lasts: 30_000,
        modelOnly: false,
      },
      {
        name: 'rate limit (default cooldown)',
        failure: { kind: 'rate_limit', message: 'slow down', status: 429 },
        lasts: 60_000,
        modelOnly: false,
      },
      {
        name: 'model ineligible',
        failure: { kind: 'model_ineligible', message: 'not supported', status: 400 },
        lasts: 3_600_000,
        modelOnly: true,
      },
      {
        name: 'transient',
        failure: { kind: 'transient', message: 'bad gateway', status: 502 },
        lasts: 15_000,
        modelOnly: true,
      },
      {
        name: 'account fault (403)',
        failure: { kind: 'account', message: 'forbidden', status: 403 },
        lasts: 1_800_000,
        modelOnly: false,
      },
    ];

    it.each(cases)('$name', async ({ failure, lasts, modelOnly }) => {
      await h.start([stored('acc_a'), stored('acc_b', { priority: 1 })]);
      h.routing.recordFailure('acc_a', MODEL, failure);
      expect(h.chosen()).toBe('acc_b');
      expect(h.chosen(OTHER_MODEL)).toBe(modelOnly ? 'acc_a' : 'acc_b');
      h.clock.advance(lasts - 1);
      expect(h.chosen()).toBe('acc_b');
      h.clock.advance(1);
      expect(h.chosen()).toBe('acc_a');
    });

    it('leaves auth and client failures to the caller, but always records the error', async () => {
      await h.start([stored('acc_a')]);
      h.routing.recordFailure('acc_a', MODEL, {
        kind: 'client',
        message: 'Unsupported parameter: temperature',
        status: 400,
        code: null,
      });
      expect(h.chosen()).toBe('acc_a');
      expect(h.accounts.get('acc_a')?.state).toMatchObject({ lastError: '400 Unsupported parameter: temperature' });
      expect(h.accounts.get('acc_a')?.state.recentErrors[0]).toMatchObject({ status: 400 });
    });

    it('never shortens a block already in force', async () => {
      await h.start([stored('acc_a')]);
      h.routing.recordFailure('acc_a', MODEL, {
        kind: 'quota',
        message: 'limit',
        status: 429,
        resetAt: h.clock.now() + 2 * HOUR,
      });
      h.routing.recordFailure('acc_a', MODEL, {
        kind: 'rate_limit',
        message: 'slow down',
        status: 429,
        retryAfterMs: 1000,
      });
      expect(h.accounts.get('acc_a')?.state).toMatchObject({
        blockedUntil: h.clock.now() + 2 * HOUR,
        blockKind: 'quota',
      });
    });

    it('lifts a transient cooldown once the account serves the model again', async () => {
      await h.start([stored('acc_a')]);
      h.routing.recordFailure('acc_a', MODEL, { kind: 'transient', message: 'overloaded', status: 503 });
      h.routing.recordSuccess('acc_a', undefined, MODEL);
      await h.accounts.flush();
      expect(h.chosen()).toBe('acc_a');
      expect(h.accounts.get('acc_a')?.state.lastUsedAt).toBe(h.clock.now());
    });
  });

  describe('when no account is left', () => {
    it('says every account is at its limit, with the soonest reset, and recovers without a restart', async () => {
      await h.start([stored('acc_a'), stored('acc_b'), stored('acc_c')]);
      const now = h.clock.now();
      h.routing.recordFailure('acc_a', MODEL, {
        kind: 'quota',
        message: 'limit',
        status: 429,
        resetAt: now + 3 * HOUR,
      });
      h.routing.recordFailure('acc_b', MODEL, {
        kind: 'quota',
        message: 'limit',
        status: 429,
        resetAt: now + 2 * HOUR + 14 * 60_000,
      });
      h.accounts.recordUsage('acc_c', usage(now, { weekly: weekly(100, now + DAY) }));
      let error: unknown;
      try {
        h.routing.choose(MODEL, { excluded: new Set() });
      } catch (caught) {
        error = caught;
      }
      expect(error).toBeInstanceOf(NoAccountAvailableError);
      expect(error).toMatchObject({
        reason: 'exhausted',
        accountCount: 3,
        soonestResetAt: now + 2 * HOUR + 14 * 60_000,
      });
      expect((error as Error).message).toBe(
        "All 3 accounts are at their usage limit for model 'gpt-5.3-codex'. The soonest reset is at 2025-01-15T14:14:00Z (in 2h 14m).",
      );
      h.clock.advance(2 * HOUR + 14 * 60_000);
      expect(h.chosen()).toBe('acc_b');
    });

    it('keeps a cooling account a candidate, and reports 503-style transient only once it failed in this request', async () => {
      await h.start([stored('acc_a'), stored('acc_b')]);
      h.routing.recordFailure('acc_a', MODEL, {
        kind: 'quota',
        message: 'limit',
        status: 429,
        resetAt: h.clock.now() + HOUR,
      });
      h.routing.recordFailure('acc_b', MODEL, { kind: 'transient', message: 'bad gateway', status: 502 });
      const decision = h.routing.choose(MODEL, { excluded: new Set() });
      expect(decision.candidates.map((c) => c.accountId)).toEqual(['acc_b']);
      expect(decision.candidates[0]?.reason).toMatch(/^cooling down \(transient\) until /);
      expect(() => h.routing.choose(MODEL, { excluded: new Set(['acc_b']) })).toThrow(
        expect.objectContaining({ reason: 'transient', soonestResetAt: h.clock.now() + 15_000 }),
      );
    });

    it('reports no_accounts, needs_reauth and model_unavailable', async () => {
      await h.start([]);
      expect(() => h.routing.choose(MODEL, { excluded: new Set() })).toThrow(
        expect.objectContaining({ reason: 'no_accounts' }),
      );
      await h.start([stored('acc_a', { state: { needsReauth: true } })]);
      expect(() => h.routing.choose(MODEL, { excluded: new Set() })).toThrow(
        expect.objectContaining({ reason: 'needs_reauth' }),
      );
      await h.start([stored('acc_a')]);
      h.routing.recordFailure('acc_a', MODEL, { kind: 'model_ineligible', message: 'not supported', status: 400 });
      expect(() => h.routing.choose(MODEL, { excluded: new Set() })).toThrow(
        expect.objectContaining({ reason: 'model_unavailable' }),
      );
    });
  });
});
