import type { AccountRepository } from '@mcp/accounts';
import { account } from '../builders';

/** A store under test: `reopen` gives a second instance over the same data (a restart, or another replica). */
export interface StoreUnderTest<R> {
  repository: R;
  reopen(): Promise<R>;
  cleanup(): Promise<void>;
}

/** What AccountsService relies on from any AccountRepository (PROTOCOL §10.2). */
export function accountRepositoryContract(name: string, open: () => Promise<StoreUnderTest<AccountRepository>>): void {
  describe(`AccountRepository contract: ${name}`, () => {
    let store: StoreUnderTest<AccountRepository>;

    beforeEach(async () => {
      store = await open();
    });

    afterEach(async () => {
      await store.cleanup();
    });

    it('starts empty', async () => {
      expect(await store.repository.load()).toEqual([]);
    });

    it('gives back after a restart exactly what was saved, secrets, usage and blocks included', async () => {
      const saved = [
        account('acc_1', {
          label: 'Équipe ✓',
          usage: {
            fiveHour: { usedPercent: 42, resetAt: 1_800_000_000_000, windowSeconds: 18_000 },
            fetchedAt: 1_700_000_000_000,
            source: 'probe',
          },
        }),
        account('acc_2', { enabled: false, priority: 3 }),
      ];
      saved[1]!.state.modelBlocks['gpt-5-codex'] = { until: 1_900_000_000_000, kind: 'ineligible', reason: 'no' };
      saved[1]!.state.recentErrors = [{ at: 1, message: 'boom', status: 502 }];
      await store.repository.save(saved);
      const reloaded = await (await store.reopen()).load();
      expect(sortById(reloaded)).toEqual(saved);
    });

    it('a later save replaces edited accounts and drops deleted ones', async () => {
      await store.repository.save([account('acc_1'), account('acc_2')]);
      const edited = account('acc_1', { accessToken: 'rotated', refreshToken: 'rotated-refresh', label: 'renamed' });
      await store.repository.save([edited]);
      expect(await (await store.reopen()).load()).toEqual([edited]);
    });
  });
}

function sortById<T extends { id: string }>(items: T[]): T[] {
  return [...items].sort((a, b) => a.id.localeCompare(b.id));
}
