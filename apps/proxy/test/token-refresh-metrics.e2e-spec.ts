import { TokenService } from '@mcp/accounts';
import { openai } from './helpers/client';
import { startStack, type Stack } from './helpers/stack';

/** `mcp_token_refreshes_total` counts every refresh the gateway makes, by outcome (it used to stay empty). */
describe('token refreshes in /metrics', () => {
  let stack: Stack;

  beforeAll(async () => {
    stack = await startStack({ accounts: 2 });
  });
  afterAll(() => stack.close());

  async function refreshes(): Promise<Record<string, number>> {
    const res = await fetch(`${stack.baseUrl}/metrics`, { headers: { 'x-admin-token': stack.adminToken } });
    const counts: Record<string, number> = {};
    for (const match of (await res.text()).matchAll(/^mcp_token_refreshes_total\{outcome="(\w+)"\} (\d+)$/gm)) {
      counts[match[1]!] = Number(match[2]);
    }
    return counts;
  }

  it('counts the refresh after an upstream 401 as a success', async () => {
    const [first] = stack.accounts;
    stack.fake.expireAccessTokens(first!.fakeId);
    const completion = await openai(stack).chat.completions.create({
      model: 'gpt-5.3-codex',
      messages: [{ role: 'user', content: 'hello' }],
    });
    expect(completion.choices[0]?.message.content).toBeTruthy();
    expect(await refreshes()).toEqual({ success: 1 });
  });

  it('counts a refresh the token endpoint rejects as needs_reauth', async () => {
    const second = stack.accounts[1]!;
    stack.fake.revokeRefreshTokens(second.fakeId);
    await expect(stack.app.get(TokenService).refresh(second.id)).rejects.toThrow();
    expect(await refreshes()).toEqual({ success: 1, needs_reauth: 1 });
  });
});
