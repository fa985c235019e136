import { Test, type TestingModule } from '@nestjs/testing';
import { type Account, AccountRepository, AccountsService, InMemoryAccountRepository, ModelCatalogService } from '@mcp/accounts';
import { AppConfig, Clock } from '@mcp/config';
import { disposeTestConfig, FakeClock, testConfig } from '@mcp/testing';
import type { RoutingFailure } from './block-policy';
import { NoAccountAvailableError } from './no-account';
import { RoutingService } from './routing.service';
import { account, type AccountSpec, DAY, fiveHour, HOUR, usage, weekly } from './testing/routing-fixtures';

const MODEL = 'gpt-5.3-codex';
const OTHER_MODEL = 'gpt-5-codex';
const AFFINITY_TTL = HOUR;

/** The catalogue as routing sees it: which accounts a model may use (null = any). */
class FakeCatalog {
  readonly lists = new Map<string, string[]>();
  accountsFor(model: string): string[] | null {
    return this.lists.get(model) ?? null;
  }
}

function stored(id: string, spec: AccountSpec = {}): Account {
  return { ...account(id, spec), accessToken: `token-${id}`, createdAt: 0, updatedAt: 0 };
}

describe('RoutingService', () => {
  let moduleRef: TestingModule;
  let routing: RoutingService;
  let accounts: AccountsService;
  let clock: FakeClock;
  let catalog: FakeCatalog;
  let config: AppConfig;

  async function start(initial: Account[], env: Record<string, string> = {}): Promise<void> {
    clock = new FakeClock();
    catalog = new FakeCatalog();
    config = testConfig({ SESSION_AFFINITY_TTL_MS: String(AFFINITY_TTL), ...env });
    moduleRef = await Test.createTestingModule({
      providers: [
        RoutingService,
        AccountsService,
        { provide: AccountRepository, useValue: new InMemoryAccountRepository(initial) },
        { provide: ModelCatalogService, useValue: catalog },
        { provide: AppConfig, useValue: config },
        { provide: Clock, useValue: clock },
      ],
    }).compile();
    await moduleRef.init();
    routing = moduleRef.get(RoutingService);
    accounts = moduleRef.get(AccountsService);
  }

  afterEach(async () => {
    await moduleRef.close();
    disposeTestConfig(config);
  });

  const chosen = (model = MODEL, sessionKey?: string, excluded?: string[]) =>
    routing.choose(model, { sessionKey, excluded: new Set(excluded ?? []) }).candidates[0]?.accountId;
  const untouched = () => usage(clock.now(), { fiveHour: fiveHour(0, clock.now() + HOUR), weekly: weekly(0, clock.now() + DAY) });
  const used = (percent: number, weeklyReset = DAY) =>
    usage(clock.now(), { fiveHour: fiveHour(percent, clock.now() + HOUR), weekly: weekly(percent, clock.now() + weeklyReset) });

  describe('choose', () => {
    it('ranks the candidates, explains them, and stamps lastSelectedAt on the choice', async () => {
      await start([stored('acc_b'), stored('acc_a', { priority: 1 })]);
      const decision = routing.choose(MODEL, { excluded: new Set() });
      expect(decision.candidates.map((c) => [c.accountId, c.tier])).toEqual([
        ['acc_b', 3],
        ['acc_a', 3],
      ]);
      expect(decision.candidates[0]?.reason).toBe('no usage snapshot; priority 0');
      expect(decision.sessionAffinity).toBe(false);
      expect(accounts.get('acc_b')?.state.lastSelectedAt).toBe(clock.now());
      expect(accounts.get('acc_a')?.state.lastSelectedAt).toBeUndefined();
    });

    it('spreads new work over untouched accounts of equal priority', async () => {
      await start([stored('acc_a'), stored('acc_b')]);
      accounts.recordUsage('acc_a', untouched());
      accounts.recordUsage('acc_b', untouched());
      const picks: (string | undefined)[] = [];
      for (let i = 0; i < 4; i++) {
        picks.push(chosen());
        clock.advance(10);
      }
      expect(picks).toEqual(['acc_a', 'acc_b', 'acc_a', 'acc_b']);
    });

    it('lists why each other account was skipped', async () => {
      await start([stored('acc_off', { enabled: false }), stored('acc_reauth', { state: { needsReauth: true } }), stored('acc_ok')]);
      const decision = routing.choose(MODEL, { excluded: new Set() });
      expect(decision.candidates.map((c) => c.accountId)).toEqual(['acc_ok']);
      expect(decision.skipped).toEqual([
        { accountId: 'acc_off', reason: 'disabled' },
        { accountId: 'acc_reauth', reason: 'needs a new login' },
      ]);
    });

    it('skips accounts already tried in this request and those the catalogue does not list for the model', async () => {
      await start([stored('acc_a'), stored('acc_b'), stored('acc_c')]);
      catalog.lists.set(MODEL, ['acc_a', 'acc_b']);
      expect(routing.choose(MODEL, { excluded: new Set(['acc_a']) }).candidates.map((c) => c.accountId)).toEqual(['acc_b']);
      expect(chosen(OTHER_MODEL, undefined, ['acc_a', 'acc_b'])).toBe('acc_c');
    });

    it('records a quota block when the snapshot shows a spent window', async () => {
      await start([stored('acc_a'), stored('acc_b')]);
      const reset = clock.now() + 2 * HOUR;
      accounts.recordUsage('acc_a', usage(clock.now(), { fiveHour: fiveHour(100, reset), weekly: weekly(50, clock.now() + DAY) }));
      expect(chosen()).toBe('acc_b');
      expect(accounts.get('acc_a')?.state).toMatchObject({ blockedUntil: reset, blockKind: 'quota' });
    });
  });

  describe('session affinity', () => {
    async function twoAccounts(): Promise<void> {
      await start([stored('acc_a'), stored('acc_b')]);
      accounts.recordUsage('acc_a', untouched());
      accounts.recordUsage('acc_b', used(20));
    }

    it('keeps a session on the account that served it, even when another now ranks higher', async () => {
      await twoAccounts();
      expect(chosen(MODEL, 's1')).toBe('acc_a');
      routing.recordSuccess('acc_a', 's1', MODEL);
      accounts.recordUsage('acc_a', used(30, 2 * DAY));
      const decision = routing.choose(MODEL, { sessionKey: 's1', excluded: new Set() });
      expect(decision.candidates[0]).toMatchObject({ accountId: 'acc_a', tier: 'affinity' });
      expect(decision.sessionAffinity).toBe(true);
      expect(chosen(MODEL, 'another-session')).toBe('acc_b');
    });

    it('lets the session go once the TTL has passed', async () => {
      await twoAccounts();
      routing.recordSuccess('acc_a', 's1', MODEL);
      accounts.recordUsage('acc_a', used(30, 2 * DAY));
      clock.advance(AFFINITY_TTL);
      expect(chosen(MODEL, 's1')).toBe('acc_b');
    });

    it('moves the session when its account is blocked, and keeps it on the new account afterwards', async () => {
      await twoAccounts();
      routing.recordSuccess('acc_a', 's1', MODEL);
      routing.recordFailure('acc_a', MODEL, { kind: 'quota', message: 'usage limit', status: 429, resetAt: clock.now() + 10 * 60_000 });
      const decision = routing.choose(MODEL, { sessionKey: 's1', excluded: new Set() });
      expect(decision.candidates.map((c) => c.accountId)).toEqual(['acc_b']);
      expect(decision.sessionAffinity).toBe(false);
      routing.recordSuccess('acc_b', 's1', MODEL);
      clock.advance(11 * 60_000);
      expect(chosen(MODEL, 's1')).toBe('acc_b');
    });

    it('is off when SESSION_AFFINITY_TTL_MS is 0', async () => {
      await start([stored('acc_a'), stored('acc_b')], { SESSION_AFFINITY_TTL_MS: '0' });
      accounts.recordUsage('acc_a', untouched());
      accounts.recordUsage('acc_b', used(20));
      routing.recordSuccess('acc_b', 's1', MODEL);
      expect(chosen(MODEL, 's1')).toBe('acc_a');
    });
  });

  describe('blocks and cooldowns heal by time', () => {
    const cases: { name: string; failure: RoutingFailure; lasts: number; modelOnly: boolean }[] = [
      { name: 'quota until the reset', failure: { kind: 'quota', message: 'limit', status: 429, resetAt: Date.UTC(2025, 0, 15, 15) }, lasts: 3 * HOUR, modelOnly: false },
      { name: 'model-family quota', failure: { kind: 'quota', message: 'limit', status: 429, resetAt: Date.UTC(2025, 0, 15, 13), modelScoped: true }, lasts: HOUR, modelOnly: true },
      { name: 'plan', failure: { kind: 'plan', message: 'usage_not_included', status: 403 }, lasts: 1_800_000, modelOnly: false },
      { name: 'rate limit (Retry-After)', failure: { kind: 'rate_limit', message: 'slow down', status: 429, retryAfterMs: 30_000 }, lasts: 30_000, modelOnly: false },
      { name: 'rate limit (default cooldown)', failure: { kind: 'rate_limit', message: 'slow down', status: 429 }, lasts: 60_000, modelOnly: false },
      { name: 'model ineligible', failure: { kind: 'model_ineligible', message: 'not supported', status: 400 }, lasts: 3_600_000, modelOnly: true },
      { name: 'transient', failure: { kind: 'transient', message: 'bad gateway', status: 502 }, lasts: 15_000, modelOnly: true },
      { name: 'account fault (403)', failure: { kind: 'account', message: 'forbidden', status: 403 }, lasts: 1_800_000, modelOnly: false },
    ];

    it.each(cases)('$name', async ({ failure, lasts, modelOnly }) => {
      await start([stored('acc_a'), stored('acc_b', { priority: 1 })]);
      routing.recordFailure('acc_a', MODEL, failure);
      expect(chosen()).toBe('acc_b');
      expect(chosen(OTHER_MODEL)).toBe(modelOnly ? 'acc_a' : 'acc_b');
      clock.advance(lasts - 1);
      expect(chosen()).toBe('acc_b');
      clock.advance(1);
      expect(chosen()).toBe('acc_a');
    });

    it('leaves auth and client failures to the caller, but always records the error', async () => {
      await start([stored('acc_a')]);
      routing.recordFailure('acc_a', MODEL, { kind: 'client', message: 'Unsupported parameter: temperature', status: 400, code: null });
      expect(chosen()).toBe('acc_a');
      expect(accounts.get('acc_a')?.state).toMatchObject({ lastError: '400 Unsupported parameter: temperature' });
      expect(accounts.get('acc_a')?.state.recentErrors[0]).toMatchObject({ status: 400 });
    });

    it('never shortens a block already in force', async () => {
      await start([stored('acc_a')]);
      routing.recordFailure('acc_a', MODEL, { kind: 'quota', message: 'limit', status: 429, resetAt: clock.now() + 2 * HOUR });
      routing.recordFailure('acc_a', MODEL, { kind: 'rate_limit', message: 'slow down', status: 429, retryAfterMs: 1000 });
      expect(accounts.get('acc_a')?.state).toMatchObject({ blockedUntil: clock.now() + 2 * HOUR, blockKind: 'quota' });
    });

    it('lifts a transient cooldown once the account serves the model again', async () => {
      await start([stored('acc_a')]);
      routing.recordFailure('acc_a', MODEL, { kind: 'transient', message: 'overloaded', status: 503 });
      routing.recordSuccess('acc_a', undefined, MODEL);
      await accounts.flush();
      expect(chosen()).toBe('acc_a');
      expect(accounts.get('acc_a')?.state.lastUsedAt).toBe(clock.now());
    });
  });

  describe('when no account is left', () => {
    it('says every account is at its limit, with the soonest reset, and recovers without a restart', async () => {
      await start([stored('acc_a'), stored('acc_b'), stored('acc_c')]);
      const now = clock.now();
      routing.recordFailure('acc_a', MODEL, { kind: 'quota', message: 'limit', status: 429, resetAt: now + 3 * HOUR });
      routing.recordFailure('acc_b', MODEL, { kind: 'quota', message: 'limit', status: 429, resetAt: now + 2 * HOUR + 14 * 60_000 });
      accounts.recordUsage('acc_c', usage(now, { weekly: weekly(100, now + DAY) }));
      let error: unknown;
      try {
        routing.choose(MODEL, { excluded: new Set() });
      } catch (caught) {
        error = caught;
      }
      expect(error).toBeInstanceOf(NoAccountAvailableError);
      expect(error).toMatchObject({ reason: 'exhausted', accountCount: 3, soonestResetAt: now + 2 * HOUR + 14 * 60_000 });
      expect((error as Error).message).toBe(
        "All 3 accounts are at their usage limit for model 'gpt-5.3-codex'. The soonest reset is at 2025-01-15T14:14:00Z (in 2h 14m).",
      );
      clock.advance(2 * HOUR + 14 * 60_000);
      expect(chosen()).toBe('acc_b');
    });

    it('reports a 503-style transient reason when any account is only cooling down', async () => {
      await start([stored('acc_a'), stored('acc_b')]);
      routing.recordFailure('acc_a', MODEL, { kind: 'quota', message: 'limit', status: 429, resetAt: clock.now() + HOUR });
      routing.recordFailure('acc_b', MODEL, { kind: 'transient', message: 'bad gateway', status: 502 });
      expect(() => routing.choose(MODEL, { excluded: new Set() })).toThrow(expect.objectContaining({ reason: 'transient', soonestResetAt: clock.now() + 15_000 }));
    });

    it('reports no_accounts, needs_reauth and model_unavailable', async () => {
      await start([]);
      expect(() => routing.choose(MODEL, { excluded: new Set() })).toThrow(expect.objectContaining({ reason: 'no_accounts' }));
      await moduleRef.close();
      disposeTestConfig(config);
      await start([stored('acc_a', { state: { needsReauth: true } })]);
      expect(() => routing.choose(MODEL, { excluded: new Set() })).toThrow(expect.objectContaining({ reason: 'needs_reauth' }));
      await moduleRef.close();
      disposeTestConfig(config);
      await start([stored('acc_a')]);
      routing.recordFailure('acc_a', MODEL, { kind: 'model_ineligible', message: 'not supported', status: 400 });
      expect(() => routing.choose(MODEL, { excluded: new Set() })).toThrow(expect.objectContaining({ reason: 'model_unavailable' }));
    });
  });

  describe('chooseOrWait (HANG_RETRY_MAX_DURATION_MS)', () => {
    it('fails at once when waiting is off', async () => {
      await start([stored('acc_a')]);
      routing.recordFailure('acc_a', MODEL, { kind: 'rate_limit', message: 'slow down', status: 429, retryAfterMs: 20 });
      await expect(routing.chooseOrWait(MODEL, { excluded: new Set() })).rejects.toBeInstanceOf(NoAccountAvailableError);
    });

    it('waits for the soonest reset when it falls within the limit', async () => {
      await start([stored('acc_a')], { HANG_RETRY_MAX_DURATION_MS: '60000' });
      routing.recordFailure('acc_a', MODEL, { kind: 'rate_limit', message: 'slow down', status: 429, retryAfterMs: 20 });
      const waiting = routing.chooseOrWait(MODEL, { excluded: new Set() });
      clock.advance(20);
      await expect(waiting).resolves.toMatchObject({ candidates: [expect.objectContaining({ accountId: 'acc_a' })] });
    });

    it('does not wait for a reset beyond the limit', async () => {
      await start([stored('acc_a')], { HANG_RETRY_MAX_DURATION_MS: '60000' });
      routing.recordFailure('acc_a', MODEL, { kind: 'quota', message: 'limit', status: 429, resetAt: clock.now() + HOUR });
      await expect(routing.chooseOrWait(MODEL, { excluded: new Set() })).rejects.toMatchObject({ reason: 'exhausted' });
    });
  });
});
