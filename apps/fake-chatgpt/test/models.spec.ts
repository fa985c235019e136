import type { FakeChatgpt } from '../src';
import { codexHeaders, login, startFake, type Login } from './helpers';

let fake: FakeChatgpt;
let full: Login;

beforeAll(async () => {
  fake = await startFake();
  full = login(fake, 'full@example.com');
});
afterAll(() => fake.stop());

async function models(
  l: Login,
  query = '?client_version=1.0.0',
  extra: Record<string, string> = {},
): Promise<Response> {
  return fetch(`${fake.url}/backend-api/codex/models${query}`, {
    headers: codexHeaders(l, { accept: 'application/json', ...extra }),
  });
}

describe('GET /backend-api/codex/models', () => {
  it('lists the catalogue with the real ModelInfo fields and an ETag', async () => {
    const res = await models(full);
    expect(res.status).toBe(200);
    const etag = res.headers.get('etag');
    expect(etag).toBeTruthy();
    const body = (await res.json()) as { models: Record<string, unknown>[] };
    const slugs = body.models.map((m) => m.slug);
    expect(slugs).toEqual(
      expect.arrayContaining(['gpt-5.3-codex', 'gpt-5.2-codex', 'gpt-5-codex', 'gpt-5.1-codex-mini', 'gpt-5.2']),
    );
    const codex = body.models.find((m) => m.slug === 'gpt-5.3-codex')!;
    for (const field of [
      'display_name',
      'description',
      'default_reasoning_level',
      'supported_reasoning_levels',
      'shell_type',
      'visibility',
      'supported_in_api',
      'priority',
      'upgrade',
      'base_instructions',
      'supports_reasoning_summaries',
      'support_verbosity',
      'default_verbosity',
      'apply_patch_tool_type',
      'truncation_policy',
      'supports_parallel_tool_calls',
      'context_window',
      'auto_compact_token_limit',
      'effective_context_window_percent',
      'experimental_supported_tools',
      'input_modalities',
    ]) {
      expect(codex).toHaveProperty(field);
    }
    expect(codex.apply_patch_tool_type).toBe('freeform');
    expect((codex.supported_reasoning_levels as { effort: string }[]).map((l) => l.effort)).toEqual([
      'low',
      'medium',
      'high',
      'xhigh',
    ]);
    expect(body.models.find((m) => m.slug === 'gpt-5.2')!.support_verbosity).toBe(true);
    expect(body.models.filter((m) => m.visibility === 'hide')).toHaveLength(1);
  });

  it('filters by the plan and by client_version', async () => {
    const small = login(fake, 'small@example.com', { models: ['gpt-5.3-codex', 'gpt-5.1-codex-mini'] });
    const body = (await (await models(small)).json()) as { models: { slug: string }[] };
    expect(body.models.map((m) => m.slug)).toEqual(['gpt-5.3-codex', 'gpt-5.1-codex-mini']);
    const old = (await (await models(small, '?client_version=0.50.0')).json()) as { models: { slug: string }[] };
    expect(old.models.map((m) => m.slug)).toEqual(['gpt-5.1-codex-mini']);
  });

  it('answers 304 to a matching If-None-Match, and x-models-etag on inference matches', async () => {
    const first = await models(full);
    const etag = first.headers.get('etag')!;
    await first.text();
    const again = await models(full, '?client_version=1.0.0', { 'if-none-match': etag });
    expect(again.status).toBe(304);
    const inference = await fetch(`${fake.url}/backend-api/codex/responses`, {
      method: 'POST',
      headers: codexHeaders(full),
      body: JSON.stringify({ model: 'gpt-5.3-codex', instructions: 'x', input: [], store: false, stream: true }),
    });
    await inference.text();
    expect(inference.headers.get('x-models-etag')).toBe(etag);
  });

  it('requires client_version and authentication', async () => {
    expect((await models(full, '')).status).toBe(400);
    const anon = await fetch(`${fake.url}/backend-api/codex/models?client_version=1.0.0`);
    expect(anon.status).toBe(401);
  });
});
