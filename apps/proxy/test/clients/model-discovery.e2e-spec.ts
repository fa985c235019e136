import OpenAI from 'openai';
import { startStack, type Stack } from '../helpers/stack';

/** What the dashboard does to onboard an account: start a browser flow, sign in, paste the redirect back. */
async function onboard(stack: Stack, email: string): Promise<void> {
  const admin = { 'x-admin-token': stack.adminToken, 'content-type': 'application/json' };
  stack.fake.addAccount({ email });
  const started = (await (
    await fetch(`${stack.baseUrl}/admin/oauth/start`, {
      method: 'POST',
      headers: admin,
      body: JSON.stringify({ email }),
    })
  ).json()) as { flowId: string; authorizeUrl: string };
  const authorize = await fetch(started.authorizeUrl, { redirect: 'manual' });
  const redirect = authorize.headers.get('location');
  if (!redirect) throw new Error(`the emulator's authorize answered ${authorize.status}`);
  const done = await fetch(`${stack.baseUrl}/admin/oauth/complete`, {
    method: 'POST',
    headers: admin,
    body: JSON.stringify({ flowId: started.flowId, input: redirect }),
  });
  if (done.status !== 200) throw new Error(`oauth complete answered ${done.status}: ${await done.text()}`);
}

describe('the model list the moment an account is onboarded (PROTOCOL.md §9)', () => {
  let stack: Stack;
  let client: OpenAI;

  beforeAll(async () => {
    // No accounts, and no discovery job tick during the test: only onboarding can bring the catalogue in.
    stack = await startStack({ accounts: 0, env: { MODELS_CACHE_MS: '3600000' } });
    client = new OpenAI({ baseURL: `${stack.baseUrl}/v1`, apiKey: 'x', maxRetries: 0 });
  });

  afterAll(async () => {
    await stack?.close();
  });

  it('lists the fallback before any account, then the upstream catalogue right after the OAuth sign-in', async () => {
    const before = (await client.models.list()).data.map((m) => m.id);
    expect(before).toEqual(stack.config.proxyModels);
    await expect(client.models.retrieve('gpt-5.1-codex-mini')).rejects.toMatchObject({ status: 404 });

    await onboard(stack, 'new@example.com');

    const after = (await client.models.list()).data.map((m) => m.id);
    // The emulator's plan catalogue, hidden entries left out (§9.2).
    expect(after).toEqual(['gpt-5.3-codex', 'gpt-5.2-codex', 'gpt-5-codex', 'gpt-5.1-codex-mini', 'gpt-5.2']);
    const mini = await client.models.retrieve('gpt-5.1-codex-mini');
    expect(mini).toMatchObject({ id: 'gpt-5.1-codex-mini', object: 'model', owned_by: 'multicodex-proxy' });
    expect((mini as unknown as { metadata: { context_window: number } }).metadata.context_window).toBe(128000);
  });
});
