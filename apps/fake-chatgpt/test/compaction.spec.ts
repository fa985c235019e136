import type { FakeChatgpt } from '../src';
import { type Login, ofType, parseSse, postResponses, startWithAlice, userMessage, validBody } from './helpers';

const V2 = { 'x-codex-beta-features': 'remote_compaction_v2' };
const TRIGGER = { type: 'compaction_trigger' };

let fake: FakeChatgpt;
let alice: Login;

beforeAll(async () => {
  ({ fake, alice } = await startWithAlice());
});
afterAll(() => fake.stop());

async function compact(input: unknown[], headers: Record<string, string> = V2): Promise<Response> {
  return postResponses(fake, alice, validBody({ input }), headers);
}

describe('remote compaction v2 (PROTOCOL §13.3)', () => {
  it('answers with one compaction_summary item in the item events and an empty completed output', async () => {
    const res = await compact([userMessage('a long session'), TRIGGER]);
    expect(res.status).toBe(200);
    const events = parseSse(await res.text());
    const done = ofType(events, 'response.output_item.done').map((e) => e.item as Record<string, unknown>);
    expect(done).toEqual([
      expect.objectContaining({ type: 'compaction_summary', encrypted_content: expect.stringMatching(/^cmpv2_/) }),
    ]);
    const completed = ofType(events, 'response.completed')[0]?.response as { output: unknown[]; usage: unknown };
    expect(completed.output).toEqual([]);
    expect(completed.usage).toEqual(expect.objectContaining({ input_tokens: expect.any(Number) }));
  });

  it('accepts the checkpoint back as a `compaction` input item on the next turn', async () => {
    const events = parseSse(await (await compact([userMessage('history'), TRIGGER])).text());
    const item = ofType(events, 'response.output_item.done')[0]?.item as { encrypted_content: string };
    const next = await postResponses(
      fake,
      alice,
      validBody({ input: [{ type: 'compaction', encrypted_content: item.encrypted_content }, userMessage('go on')] }),
    );
    expect(next.status).toBe(200);
    expect(await next.text()).toContain('echo: go on');
  });

  it('refuses the trigger without the beta header, out of place, and a forged checkpoint', async () => {
    expect((await compact([userMessage('x'), TRIGGER], {})).status).toBe(400);
    expect((await compact([TRIGGER, userMessage('x')])).status).toBe(400);
    expect((await compact([userMessage('x'), TRIGGER, TRIGGER])).status).toBe(400);
    const forged = await compact([{ type: 'compaction', encrypted_content: 'made-up' }, userMessage('x')]);
    expect(forged.status).toBe(400);
    expect(((await forged.json()) as { error: { param: string } }).error.param).toBe('input[0].encrypted_content');
  });

  it('omits the item under the compaction_missing fault while the stream still completes', async () => {
    fake.inject(alice.account.id, { kind: 'compaction_missing' });
    const events = parseSse(await (await compact([userMessage('history'), TRIGGER])).text());
    expect(ofType(events, 'response.output_item.done')).toEqual([]);
    expect(ofType(events, 'response.completed')).toHaveLength(1);
  });
});
