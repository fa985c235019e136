import { ClientRequestError } from '@mcp/codex';
import { FakeClock, caught } from '@mcp/testing';
import { prepareResponses } from '../proxy/request-prep';
import { ItemReferences } from './item-references';

const call = { type: 'function_call', id: 'fc_1', call_id: 'call_1', name: 'get_weather', arguments: '{}' };
const message = { type: 'message', id: 'msg_1', role: 'assistant', content: [{ type: 'output_text', text: 'hi' }] };
const reasoning = { type: 'reasoning', id: 'rs_1', summary: [], encrypted_content: 'gAAAA-opaque' };
const ref = (id: string) => ({ type: 'item_reference', id });
const user = { role: 'user', content: 'hello' };

const thrown = (fn: () => unknown): ClientRequestError => caught(fn, ClientRequestError);

describe('ItemReferences', () => {
  let clock: FakeClock;
  let refs: ItemReferences;

  beforeEach(() => {
    clock = new FakeClock();
    refs = new ItemReferences(clock, { maxItems: 3, maxBytes: 10_000, ttlMs: 60_000 });
  });

  it('expands references into the remembered items, in place, reasoning with its encrypted_content too', () => {
    refs.remember('key_a', [reasoning, call, message]);
    const body = { model: 'm', input: [user, ref('rs_1'), ref('fc_1'), { type: 'function_call_output' }] };
    const { body: out, expanded } = refs.expand('key_a', body);
    expect(expanded).toBe(2);
    expect(out).toEqual({ model: 'm', input: [user, reasoning, call, { type: 'function_call_output' }] });
    expect(body.input[1]).toEqual(ref('rs_1'));
  });

  it('leaves a body without references untouched (the same object)', () => {
    const body = { input: [user] };
    expect(refs.expand(null, body)).toEqual({ body, expanded: 0 });
    expect(refs.expand(null, { input: 'text' }).expanded).toBe(0);
  });

  it('an unknown reference is a 400 naming its input index and saying the gateway does not know it', () => {
    const error = thrown(() => refs.expand(null, { input: [user, user, ref('fc_nope')] }));
    expect(error.status).toBe(400);
    expect(error.param).toBe('input[2]');
    expect(error.message).toMatch(/fc_nope.*unknown to this gateway.*expired or was never served here/);
  });

  it('never resolves another client key’s items; no key is one shared scope of its own', () => {
    refs.remember('key_a', [call]);
    expect(thrown(() => refs.expand('key_b', { input: [ref('fc_1')] })).param).toBe('input[0]');
    expect(() => refs.expand(null, { input: [ref('fc_1')] })).toThrow(ClientRequestError);
    refs.remember(null, [message]);
    expect(refs.expand(undefined, { input: [ref('msg_1')] }).expanded).toBe(1);
  });

  it('forgets an item after the TTL, and a use restarts it', () => {
    refs.remember(null, [call, message]);
    clock.advance(50_000);
    refs.expand(null, { input: [ref('fc_1')] });
    clock.advance(20_000);
    expect(refs.expand(null, { input: [ref('fc_1')] }).expanded).toBe(1);
    expect(() => refs.expand(null, { input: [ref('msg_1')] })).toThrow(/unknown to this gateway/);
  });

  it('keeps at most maxItems, evicting the least recently used', () => {
    refs.remember(null, [call, message, reasoning]);
    refs.expand(null, { input: [ref('fc_1')] });
    refs.remember(null, [{ type: 'message', id: 'msg_2' }]);
    expect(refs.size).toBe(3);
    expect(() => refs.expand(null, { input: [ref('msg_1')] })).toThrow(ClientRequestError);
    expect(refs.expand(null, { input: [ref('fc_1'), ref('rs_1'), ref('msg_2')] }).expanded).toBe(3);
  });

  it('keeps at most maxBytes, and never an item larger than the whole budget', () => {
    const small = new ItemReferences(clock, { maxItems: 100, maxBytes: 600, ttlMs: 60_000 });
    const big = (id: string) => ({ type: 'message', id, text: 'x'.repeat(250) });
    small.remember(null, [big('msg_a'), big('msg_b'), big('msg_c')]);
    expect(small.rememberedBytes).toBeLessThanOrEqual(600);
    expect(() => small.expand(null, { input: [ref('msg_a')] })).toThrow(ClientRequestError);
    expect(small.expand(null, { input: [ref('msg_c')] }).expanded).toBe(1);
    small.remember(null, [{ type: 'message', id: 'msg_huge', text: 'y'.repeat(1000) }]);
    expect(() => small.expand(null, { input: [ref('msg_huge')] })).toThrow(ClientRequestError);
  });

  it('hands out a copy of the remembered item: what a request does with it never changes the next expansion', () => {
    refs.remember(null, [message]);
    const first = refs.expand(null, { input: [ref('msg_1')] }).body as { input: [Record<string, unknown>] };
    first.input[0]['content'] = 'rewritten';
    expect(refs.expand(null, { input: [ref('msg_1')] }).body).toEqual({ input: [message] });
  });

  it('counts text beyond Latin-1 at two bytes a character, as the heap holds it', () => {
    const budget = new ItemReferences(clock, { maxItems: 100, maxBytes: 800, ttlMs: 60_000 });
    budget.remember(null, [{ type: 'message', id: 'msg_latin', text: 'é'.repeat(500) }]);
    budget.remember(null, [{ type: 'message', id: 'msg_wide', text: '€'.repeat(500) }]);
    expect(budget.expand(null, { input: [ref('msg_latin')] }).expanded).toBe(1);
    expect(() => budget.expand(null, { input: [ref('msg_wide')] })).toThrow(ClientRequestError);
  });

  it('prepareResponses expands before normalisation, counts the expansions and scopes the answer', () => {
    refs.remember('key_a', [call]);
    const prepared = prepareResponses(
      { model: 'gpt-5.3-codex', input: [user, ref('fc_1'), { type: 'function_call_output', call_id: 'call_1' }] },
      false,
      { headers: {}, modelInfo: () => undefined, clientKeyId: 'key_a', references: refs },
    );
    expect(prepared.expandedReferences).toBe(1);
    expect(prepared.referenceScope).toBe('key_a');
    expect((prepared.plan.body['input'] as unknown[])[1]).toMatchObject({ type: 'function_call', id: 'fc_1' });
  });
});
