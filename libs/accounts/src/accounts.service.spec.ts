import { AccountNotFoundError } from '@mcp/accounts';
import { FAKE_CLOCK_START } from '@mcp/testing';
import { storedAccount, tokensFor } from '../test/builders';
import { type UnitHarness, unitHarness } from '../test/unit-harness';

const EXP = Math.floor(FAKE_CLOCK_START / 1000) + 3600;

describe('AccountsService', () => {
  let h: UnitHarness;

  afterEach(() => h.close());

  describe('upsertFromTokens', () => {
    beforeEach(async () => {
      h = await unitHarness();
    });

    it('creates an account from the token claims and saves it before resolving', async () => {
      const tokens = tokensFor({
        email: 'dev@example.com',
        accountId: 'ws-1',
        userId: 'user-1',
        plan: 'pro',
        exp: EXP,
      });
      const { account, created, warning } = await h.accounts.upsertFromTokens(tokens);

      expect(created).toBe(true);
      expect(warning).toBeUndefined();
      expect(account).toMatchObject({
        email: 'dev@example.com',
        chatgptAccountId: 'ws-1',
        chatgptUserId: 'user-1',
        planType: 'pro',
        expiresAt: EXP * 1000,
        enabled: true,
        priority: 0,
      });
      expect(account.id).toMatch(/^acc_[0-9a-f]{16}$/);
      expect(h.repository.snapshot().map((a) => a.refreshToken)).toEqual([tokens.refreshToken]);
    });

    it('updates the account with the same identity instead of creating a duplicate', async () => {
      const first = await h.accounts.upsertFromTokens(
        tokensFor({ email: 'a@x.com', accountId: 'ws-1', userId: 'u-1' }, 'one'),
      );
      const again = await h.accounts.upsertFromTokens(
        tokensFor({ email: 'a@x.com', accountId: 'ws-1', userId: 'u-1' }, 'two'),
      );
      expect(again.created).toBe(false);
      expect(again.account.id).toBe(first.account.id);
      expect(h.accounts.list()).toHaveLength(1);
      expect(h.accounts.get(first.account.id)?.refreshToken).toBe('rt-two');
    });

    it('keeps two members of one Team workspace apart (same account id, different user id)', async () => {
      await h.accounts.upsertFromTokens(tokensFor({ email: 'a@team.com', accountId: 'ws-team', userId: 'u-a' }, 'a'));
      await h.accounts.upsertFromTokens(tokensFor({ email: 'b@team.com', accountId: 'ws-team', userId: 'u-b' }, 'b'));
      expect(
        h.accounts
          .list()
          .map((a) => a.email)
          .sort(),
      ).toEqual(['a@team.com', 'b@team.com']);
    });

    it('re-logs the target account, clearing needs_reauth but keeping its quota block', async () => {
      h = await unitHarness([
        storedAccount({
          state: {
            modelBlocks: { 'gpt-x': { until: FAKE_CLOCK_START + 1000, kind: 'ineligible', reason: 'not in plan' } },
            needsReauth: true,
            recentErrors: [],
            blockedUntil: FAKE_CLOCK_START + 60_000,
            blockKind: 'quota',
            blockReason: 'weekly window at 100%',
          },
        }),
      ]);
      const tokens = tokensFor({ email: 'one@example.com', accountId: 'ws-1', userId: 'user-1' }, 'new');
      const { account, created } = await h.accounts.upsertFromTokens(tokens, 'acc_1');
      expect(created).toBe(false);
      expect(account.state).toMatchObject({ needsReauth: false, blockKind: 'quota', modelBlocks: {} });
      expect(h.repository.snapshot()[0]?.refreshToken).toBe('rt-new');
    });

    it('uses the id_token email and warns when it differs from the one typed', async () => {
      const tokens = tokensFor({ email: 'real@example.com', accountId: 'ws-1', userId: 'u-1' });
      const { account, warning } = await h.accounts.upsertFromTokens({ ...tokens, emailHint: 'typed@example.com' });
      expect(account.email).toBe('real@example.com');
      expect(warning).toContain('real@example.com');
      expect(warning).toContain('typed@example.com');
    });

    it('lets explicit fields of a manual add win over the claims', async () => {
      const tokens = tokensFor({ email: 'claims@example.com', accountId: 'ws-claims', userId: 'u-1' });
      const { account } = await h.accounts.upsertFromTokens({
        ...tokens,
        email: 'admin@example.com',
        chatgptAccountId: 'ws-explicit',
        label: 'Main',
        priority: 3,
        enabled: false,
      });
      expect(account).toMatchObject({
        email: 'admin@example.com',
        chatgptAccountId: 'ws-explicit',
        label: 'Main',
        priority: 3,
        enabled: false,
      });
    });

    it('refuses a re-login of an unknown account', async () => {
      await expect(h.accounts.upsertFromTokens(tokensFor({}), 'acc_missing')).rejects.toBeInstanceOf(
        AccountNotFoundError,
      );
    });
  });

  describe('persistence', () => {
    beforeEach(async () => {
      h = await unitHarness([storedAccount()]);
    });

    it('saves patches and deletions before resolving', async () => {
      await h.accounts.patch('acc_1', { label: 'Renamed', priority: 2 });
      expect(h.repository.snapshot()[0]).toMatchObject({ label: 'Renamed', priority: 2 });
      await h.accounts.remove('acc_1');
      expect(h.repository.snapshot()).toEqual([]);
      await expect(h.accounts.patch('acc_1', {})).rejects.toBeInstanceOf(AccountNotFoundError);
      await expect(h.accounts.remove('acc_1')).rejects.toBeInstanceOf(AccountNotFoundError);
    });

    it('coalesces usage and timestamps into one later write, and flush writes them', async () => {
      const savesBefore = h.repository.saves;
      h.accounts.markSelected('acc_1');
      h.accounts.markUsed('acc_1');
      h.accounts.recordError('acc_1', 'upstream 503', 503);
      expect(h.repository.saves).toBe(savesBefore);

      await h.accounts.flush();
      expect(h.repository.saves).toBe(savesBefore + 1);
      expect(h.repository.snapshot()[0]?.state).toMatchObject({
        lastSelectedAt: FAKE_CLOCK_START,
        lastUsedAt: FAKE_CLOCK_START,
        lastError: 'upstream 503',
      });
    });

    it('keeps the ten most recent errors, newest first', async () => {
      for (let i = 1; i <= 12; i++) {
        h.clock.advance(1000);
        h.accounts.recordError('acc_1', `error ${i}`, 500);
      }
      const errors = h.accounts.get('acc_1')?.state.recentErrors ?? [];
      expect(errors).toHaveLength(10);
      expect(errors[0]).toEqual({ at: FAKE_CLOCK_START + 12_000, message: 'error 12', status: 500 });
      expect(errors[9]?.message).toBe('error 3');
    });

    it('hands out copies: changing a returned account does not change the store', () => {
      const copy = h.accounts.get('acc_1');
      if (copy) copy.state.needsReauth = true;
      expect(h.accounts.get('acc_1')?.state.needsReauth).toBe(false);
    });

    it('snapshots without copying: stored accounts are frozen and a write replaces them', async () => {
      const before = h.accounts.snapshotOf('acc_1');
      expect(h.accounts.snapshot()).toEqual([before]);
      expect(() => {
        (before as { state: { needsReauth: boolean } }).state.needsReauth = true;
      }).toThrow(TypeError);
      h.accounts.markSelected('acc_1');
      h.accounts.setBlock('acc_1', { until: FAKE_CLOCK_START + 1000, kind: 'transient', reason: '503' }, 'gpt-a');
      const after = h.accounts.snapshotOf('acc_1');
      expect(after).not.toBe(before);
      expect(before?.state.lastSelectedAt).toBeUndefined();
      expect(before?.state.modelBlocks).toEqual({});
      expect(after?.state).toMatchObject({ lastSelectedAt: FAKE_CLOCK_START, needsReauth: false });
      expect(Object.keys(after?.state.modelBlocks ?? {})).toEqual(['gpt-a']);
      expect(Object.isFrozen(after?.state.modelBlocks['gpt-a'])).toBe(true);
      const copy = h.accounts.get('acc_1');
      if (copy) copy.state.needsReauth = true;
      expect(h.accounts.snapshotOf('acc_1')?.state.needsReauth).toBe(false);
      await h.accounts.patch('acc_1', { label: 'Renamed' });
      expect(h.accounts.snapshotOf('acc_1')?.label).toBe('Renamed');
      expect(after?.label).not.toBe('Renamed');
    });

    it('saves at once when a request-path change blocks the account, and coalesces one that does not', async () => {
      const savesBefore = h.repository.saves;
      h.accounts.markUsed('acc_1');
      h.accounts.setBlock('acc_1', { until: FAKE_CLOCK_START + 1000, kind: 'rate_limit', reason: '429' });
      await new Promise((resolve) => setImmediate(resolve));
      expect(h.repository.saves).toBe(savesBefore + 1);
      expect(h.repository.snapshot()[0]?.state).toMatchObject({
        blockKind: 'rate_limit',
        lastUsedAt: FAKE_CLOCK_START,
      });
      h.accounts.setBlock('acc_1', { until: FAKE_CLOCK_START + 1000, kind: 'rate_limit', reason: '429' });
      await new Promise((resolve) => setImmediate(resolve));
      expect(h.repository.saves).toBe(savesBefore + 1);
    });

    it('unblocks one model or everything, never needs_reauth', async () => {
      h.accounts.setBlock('acc_1', { until: FAKE_CLOCK_START + 1000, kind: 'rate_limit', reason: '429' });
      h.accounts.setBlock('acc_1', { until: FAKE_CLOCK_START + 1000, kind: 'transient', reason: '503' }, 'gpt-a');
      h.accounts.setBlock('acc_1', { until: FAKE_CLOCK_START + 1000, kind: 'ineligible', reason: 'plan' }, 'gpt-b');
      await h.accounts.markNeedsReauth('acc_1', 'refresh rejected');

      const oneModel = await h.accounts.clearBlocks('acc_1', 'gpt-a');
      expect(Object.keys(oneModel.state.modelBlocks)).toEqual(['gpt-b']);
      expect(oneModel.state.blockKind).toBe('rate_limit');

      const all = await h.accounts.clearBlocks('acc_1');
      expect(all.state).toMatchObject({ modelBlocks: {}, needsReauth: true });
      expect(all.state.blockedUntil).toBeUndefined();
      expect(h.repository.snapshot()[0]?.state.modelBlocks).toEqual({});
    });
  });
});
