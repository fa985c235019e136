import { FAKE_CLOCK_START } from '@mcp/testing';
import { storedAccount } from '../test/builders';
import { json } from '../test/scripted-http';
import { type UnitHarness, settle, unitHarness } from '../test/unit-harness';

const MODELS = '/backend-api/codex/models';
const CACHE_MS = 600_000;

function catalogue(...slugs: string[]) {
  return {
    models: slugs.map((slug) => ({
      slug,
      display_name: slug.toUpperCase(),
      visibility: 'list',
      context_window: 272_000,
    })),
  };
}

describe('ModelCatalogService', () => {
  let h: UnitHarness;

  beforeEach(async () => {
    h = await unitHarness(
      [
        storedAccount({ id: 'acc_plus', chatgptAccountId: 'ws-plus' }),
        storedAccount({ id: 'acc_pro', chatgptAccountId: 'ws-pro' }),
      ],
      { MODELS_CACHE_MS: String(CACHE_MS), PROXY_MODELS: 'fallback-a,fallback-b', MODELS_CLIENT_VERSION: '0.144.1' },
    );
  });

  afterEach(() => h.close());

  function serve(byWorkspace: Record<string, ReturnType<typeof json>>): void {
    h.http.on(MODELS, (call) => byWorkspace[call.auth?.chatgptAccountId ?? ''] ?? json(500, {}));
  }

  it('uses PROXY_MODELS, letting any model through, until discovery has produced something', () => {
    expect(h.catalog.source).toBe('fallback');
    expect(h.catalog.models().map((m) => m.id)).toEqual(['fallback-a', 'fallback-b']);
    expect(h.catalog.accountsFor('fallback-a')).toBeNull();
    expect(h.catalog.allows('anything-else')).toBe(true);
    expect(h.catalog.adminView()).toMatchObject({ source: 'fallback', fetchedAt: null });
  });

  it('merges every account catalogue by slug and records which accounts serve each model', async () => {
    serve({ 'ws-plus': json(200, catalogue('gpt-a', 'gpt-b')), 'ws-pro': json(200, catalogue('gpt-b', 'gpt-pro')) });
    await h.catalog.refresh();

    expect(h.http.callsTo(`${MODELS}?client_version=0.144.1`)).toHaveLength(2);
    expect(h.catalog.source).toBe('upstream');
    expect(h.catalog.models().map((m) => [m.id, m.accountIds])).toEqual([
      ['gpt-a', ['acc_plus']],
      ['gpt-b', ['acc_plus', 'acc_pro']],
      ['gpt-pro', ['acc_pro']],
    ]);
    expect(h.catalog.accountsFor('gpt-pro')).toEqual(['acc_pro']);
    expect(h.catalog.allows('fallback-a')).toBe(false);
    expect(h.catalog.find('gpt-a')?.info.display_name).toBe('GPT-A');
    expect(h.catalog.firstSeen('gpt-a')).toBe(FAKE_CLOCK_START);
    const input = h.catalog.modelListInput();
    expect(input.catalogue.map((m) => m.slug)).toEqual(['gpt-a', 'gpt-b', 'gpt-pro']);
    expect(input.accountIds?.get('gpt-b')).toEqual(['acc_plus', 'acc_pro']);
    expect(input.fallbackIds).toEqual(['fallback-a', 'fallback-b']);
    expect(h.catalog.adminView().models[1]).toEqual({
      id: 'gpt-b',
      displayName: 'GPT-B',
      visibility: 'list',
      contextWindow: 272_000,
      accountIds: ['acc_plus', 'acc_pro'],
    });
  });

  it("keeps an account's previous catalogue when its discovery fails", async () => {
    serve({ 'ws-plus': json(200, catalogue('gpt-a')), 'ws-pro': json(200, catalogue('gpt-pro')) });
    await h.catalog.refresh();
    serve({ 'ws-plus': json(200, catalogue('gpt-a')), 'ws-pro': json(503, {}) });
    h.clock.advance(CACHE_MS);
    await h.catalog.refresh();
    expect(h.catalog.accountsFor('gpt-pro')).toEqual(['acc_pro']);
  });

  it('rediscovers on schedule only once the cache is stale, and when an unseen etag shows up', async () => {
    serve({
      'ws-plus': json(200, catalogue('gpt-a'), { etag: 'v1' }),
      'ws-pro': json(200, catalogue('gpt-a'), { etag: 'v1' }),
    });
    await h.catalog.refreshIfStale();
    expect(h.http.callsTo(MODELS)).toHaveLength(2);

    h.clock.advance(CACHE_MS - 1);
    await h.catalog.refreshIfStale();
    h.catalog.noteModelsEtag('v1');
    await settle();
    expect(h.http.callsTo(MODELS)).toHaveLength(2);

    h.catalog.noteModelsEtag('v2');
    await settle();
    expect(h.http.callsTo(MODELS)).toHaveLength(4);

    h.clock.advance(CACHE_MS);
    await h.catalog.refreshIfStale();
    expect(h.http.callsTo(MODELS)).toHaveLength(6);
  });

  it('counts an account added after discovery as able to serve until its own catalogue is known', async () => {
    serve({ 'ws-plus': json(200, catalogue('gpt-a')), 'ws-pro': json(200, catalogue('gpt-a')) });
    await h.catalog.refresh();
    await h.accounts.upsertFromTokens({ accessToken: 'new-token', chatgptAccountId: 'ws-new' });
    const newId = h.accounts.list().find((a) => a.chatgptAccountId === 'ws-new')?.id;
    expect(h.catalog.accountsFor('gpt-a')).toEqual(['acc_plus', 'acc_pro', newId]);
  });

  it("learns a signed-in account's models before the login resolves, without waiting for the schedule", async () => {
    serve({ 'ws-new': json(200, catalogue('gpt-new')) });
    await h.accounts.upsertFromTokens({ accessToken: 'new-token', chatgptAccountId: 'ws-new' });
    const newId = h.accounts.list().find((a) => a.chatgptAccountId === 'ws-new')?.id;
    expect(h.catalog.source).toBe('upstream');
    expect(h.catalog.find('gpt-new')?.accountIds).toEqual([newId]);
    expect(h.http.callsTo(MODELS)).toHaveLength(1);
  });

  it('starts the first discovery when a model list is asked for while only the fallback is known', async () => {
    serve({ 'ws-plus': json(503, {}), 'ws-pro': json(503, {}) });
    await h.catalog.settle();
    expect(h.catalog.source).toBe('fallback');
    expect(h.http.callsTo(MODELS)).toHaveLength(2);
    // Failing upstream is not asked again on every list: only once the retry delay has passed.
    await h.catalog.settle();
    expect(h.http.callsTo(MODELS)).toHaveLength(2);
    serve({ 'ws-plus': json(200, catalogue('gpt-a')), 'ws-pro': json(200, catalogue('gpt-a')) });
    h.clock.advance(60_000);
    await h.catalog.settle();
    expect(h.catalog.models().map((m) => m.id)).toEqual(['gpt-a']);
  });
});
