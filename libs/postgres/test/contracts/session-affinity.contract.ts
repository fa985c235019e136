import type { SessionAffinity } from '@mcp/routing';
import type { StoreUnderTest } from './account-repository.contract';

/** What RoutingService relies on (PROTOCOL §7.3), in memory or shared. */
export function sessionAffinityContract(
  name: string,
  open: (ttlMs: number) => Promise<StoreUnderTest<SessionAffinity>>,
): void {
  describe(`session affinity contract: ${name}`, () => {
    const opened: StoreUnderTest<SessionAffinity>[] = [];
    const start = async (ttlMs: number) => {
      const store = await open(ttlMs);
      opened.push(store);
      return store.repository;
    };

    afterEach(async () => {
      for (const store of opened.splice(0)) await store.cleanup();
    });

    it('returns the account that last served a session within the TTL', async () => {
      const affinity = await start(1000);
      affinity.remember('s1', 'acc_a', 0);
      expect(affinity.lookup('s1', 999)).toBe('acc_a');
      affinity.remember('s1', 'acc_b', 500);
      expect(affinity.lookup('s1', 1400)).toBe('acc_b');
      expect(affinity.lookup('s2', 1400)).toBeUndefined();
    });

    it('forgets a session once the TTL has passed since its last success', async () => {
      const affinity = await start(1000);
      affinity.remember('s1', 'acc_a', 0);
      expect(affinity.lookup('s1', 1000)).toBeUndefined();
    });

    it('is off when the TTL is 0, and ignores requests without a session key', async () => {
      const off = await start(0);
      off.remember('s1', 'acc_a', 0);
      expect(off.lookup('s1', 0)).toBeUndefined();
      const on = await start(1000);
      on.remember(undefined, 'acc_a', 0);
      expect(on.size).toBe(0);
    });
  });
}
