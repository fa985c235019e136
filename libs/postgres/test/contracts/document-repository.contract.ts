import type { FlowRepository } from '@mcp/oauth';
import type { ApiKeyRepository } from '@mcp/client-keys';
import { apiKey, flow } from '../builders';
import type { StoreUnderTest } from './account-repository.contract';

type FlowStore = Pick<FlowRepository, 'load' | 'save'>;

/** What OAuthService relies on: a flow started before a restart (or on another replica) can be finished after it. */
export function flowRepositoryContract(name: string, open: () => Promise<StoreUnderTest<FlowStore>>): void {
  describe(`FlowRepository contract: ${name}`, () => {
    let store: StoreUnderTest<FlowStore>;

    beforeEach(async () => {
      store = await open();
    });

    afterEach(async () => {
      await store.cleanup();
    });

    it('starts empty and gives back saved flows, verifier included', async () => {
      expect(await store.repository.load()).toEqual([]);
      const saved = [flow('f1'), flow('f2', { method: 'device', deviceAuthId: 'dev', userCode: 'ABCD-1234' })];
      await store.repository.save(saved);
      expect(sortById(await (await store.reopen()).load())).toEqual(saved);
    });

    it('keeps the latest state of a flow that was finished', async () => {
      const started = flow('f1');
      await store.repository.save([started]);
      const { codeVerifier: _spent, ...rest } = started;
      const finished = { ...rest, status: 'success' as const, completedAt: started.createdAt + 5, accountId: 'acc_1' };
      await store.repository.save([finished]);
      expect(await (await store.reopen()).load()).toEqual([finished]);
    });
  });
}

/** What ApiKeysService relies on from any ApiKeyRepository. */
export function apiKeyRepositoryContract(name: string, open: () => Promise<StoreUnderTest<ApiKeyRepository>>): void {
  describe(`ApiKeyRepository contract: ${name}`, () => {
    let store: StoreUnderTest<ApiKeyRepository>;

    beforeEach(async () => {
      store = await open();
    });

    afterEach(async () => {
      await store.cleanup();
    });

    it('starts empty and gives back saved keys after a restart', async () => {
      expect(await store.repository.load()).toEqual([]);
      const saved = [apiKey('k1', { allowedModels: ['gpt-5-codex'], rpmLimit: 60 }), apiKey('k2', { enabled: false })];
      await store.repository.save(saved);
      expect(sortById(await (await store.reopen()).load())).toEqual(saved);
    });

    it('a later save applies edits and deletions', async () => {
      await store.repository.save([apiKey('k1'), apiKey('k2')]);
      const renamed = apiKey('k2', { name: 'renamed', lastUsedAt: 123 });
      await store.repository.save([renamed]);
      expect(await (await store.reopen()).load()).toEqual([renamed]);
    });
  });
}

function sortById<T extends { id: string }>(items: T[]): T[] {
  return [...items].sort((a, b) => a.id.localeCompare(b.id));
}
