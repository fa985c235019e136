import OpenAI from 'openai';
import { FakeClock } from '@mcp/testing';
import { startStack, type Stack } from './helpers/stack';

interface TraceRow {
  accountId: string;
  status: number;
  attempts: { accountId: string; class: string }[];
}

async function latestTraces(stack: Stack, count: number): Promise<TraceRow[]> {
  const res = await fetch(`${stack.baseUrl}/admin/traces?page=1&pageSize=${count}`, {
    headers: { 'x-admin-token': stack.adminToken },
  });
  return ((await res.json()) as { traces: TraceRow[] }).traces;
}

describe('quota-aware routing through the whole gateway', () => {
  it('keeps each of 20 sessions × 5 turns on one account, spread over 3 accounts', async () => {
    const stack = await startStack({ accounts: 3 });
    try {
      // As after any start-up probe: the gateway knows every account's windows (all untouched).
      await fetch(`${stack.baseUrl}/admin/usage/refresh`, {
        method: 'POST',
        headers: { 'x-admin-token': stack.adminToken },
      });
      const client = new OpenAI({ baseURL: `${stack.baseUrl}/v1`, apiKey: 'open' });
      const session = async (i: number): Promise<void> => {
        for (let turn = 1; turn <= 5; turn++) {
          const reply = await client.responses.create({
            model: 'gpt-5.3-codex',
            input: `session ${i} turn ${turn}`,
            prompt_cache_key: `team-session-${i}`,
          });
          expect(reply.output_text).toBe(`echo: session ${i} turn ${turn}`);
        }
      };
      // Sessions arrive over time: the first ones, one by one; then the rest together.
      for (let i = 0; i < 5; i++) await session(i);
      await Promise.all(Array.from({ length: 15 }, (_, i) => session(i + 5)));

      const seen = stack.fake.counters().promptCacheKeys;
      const owners = new Set<string>();
      for (let i = 0; i < 20; i++) {
        const accounts = seen.get(`team-session-${i}`);
        expect({ session: i, accounts: accounts?.size }).toEqual({ session: i, accounts: 1 });
        owners.add([...accounts!][0]!);
      }
      expect(owners.size).toBeGreaterThan(1);
    } finally {
      await stack.close();
    }
  });

  it('skips an account at its usage limit until its reset, then uses it again by itself', async () => {
    const clock = new FakeClock();
    const stack = await startStack({ accounts: 2, clock });
    try {
      const [first, second] = stack.accounts;
      const client = new OpenAI({ baseURL: `${stack.baseUrl}/v1`, apiKey: 'open', maxRetries: 0 });
      const ask = (text: string) =>
        client.chat.completions.create({ model: 'gpt-5.3-codex', messages: [{ role: 'user', content: text }] });
      stack.fake.setUsage(first!.fakeId, { fiveHour: 100 });
      stack.fake.resetCounters();

      expect((await ask('while spent')).choices[0]!.message.content).toBe('echo: while spent');
      const [failedOver] = await latestTraces(stack, 1);
      expect(failedOver!.accountId).toBe(second!.id);
      expect(failedOver!.attempts.map((a) => [a.accountId, a.class])).toEqual([
        [first!.id, 'quota'],
        [second!.id, 'ok'],
      ]);
      for (let i = 0; i < 4; i++) await ask(`still spent ${i}`);
      expect(stack.fake.counters().requests[first!.fakeId]?.responses ?? 0).toBe(1); // only the first attempt

      clock.advance(5 * 3600_000 + 60_000); // past the 5-hour window's reset, for both sides
      for (let i = 0; i < 3; i++) await ask(`after reset ${i}`);
      const after = await latestTraces(stack, 3);
      expect(after.some((t) => t.accountId === first!.id && t.status === 200)).toBe(true);
    } finally {
      await stack.close();
    }
  });

  it('never answers 429 while some account still has quota, then 429 with Retry-After once all are spent', async () => {
    const stack = await startStack({ accounts: 3 });
    try {
      for (const account of stack.accounts) stack.fake.setUsage(account.fakeId, { fiveHour: 96 });
      const statuses: number[] = [];
      for (let i = 0; i < 14; i++) {
        const res = await fetch(`${stack.baseUrl}/v1/chat/completions`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ model: 'gpt-5.3-codex', messages: [{ role: 'user', content: `q${i}` }] }),
        });
        statuses.push(res.status);
        if (res.status === 429) {
          expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
          expect(((await res.json()) as { error: { type: string } }).error.type).toBe('usage_limit_reached');
        } else {
          await res.arrayBuffer();
        }
      }
      // 3 accounts × 4 requests each (96 → 100 %) all served, failing over as each runs out; then none left.
      expect(statuses).toEqual([...Array<number>(12).fill(200), 429, 429]);
    } finally {
      await stack.close();
    }
  });
});
