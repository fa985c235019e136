import { ClientRequestError } from '@mcp/codex';
import { hashSessionKey } from '@mcp/codex';
import { SystemClock } from '@mcp/config';
import { ItemReferences } from '../references/item-references';
import { prepareChat, prepareResponses, type PrepareOptions } from './request-prep';

const options = (overrides: Partial<PrepareOptions> = {}): PrepareOptions => ({
  headers: {},
  modelInfo: () => undefined,
  clientKeyId: 'key_team',
  ...overrides,
});

const chat = (messages: unknown[], extra: Record<string, unknown> = {}) => ({
  model: 'gpt-5.3-codex',
  messages,
  ...extra,
});

describe('session key (PROTOCOL.md §2.4)', () => {
  it('derives the same key for the same conversation prefix, and sends it as prompt_cache_key', () => {
    const first = prepareChat(
      chat([
        { role: 'system', content: 'Be brief' },
        { role: 'user', content: 'hi' },
      ]),
      options(),
    );
    const later = prepareChat(
      chat([
        { role: 'system', content: 'Be brief' },
        { role: 'user', content: 'hi' },
        { role: 'assistant', content: 'hello' },
        { role: 'user', content: 'and more' },
      ]),
      options(),
    );
    expect(first.plan.sessionKey).toBeDefined();
    expect(later.plan.sessionKey).toBe(first.plan.sessionKey);
    expect(first.plan.body['prompt_cache_key']).toBe(first.plan.sessionKey);
  });

  it('derives different keys for different client keys, models or openings', () => {
    const base = prepareChat(chat([{ role: 'user', content: 'hi' }]), options()).plan.sessionKey;
    expect(
      prepareChat(chat([{ role: 'user', content: 'hi' }]), options({ clientKeyId: 'key_other' })).plan.sessionKey,
    ).not.toBe(base);
    expect(prepareChat(chat([{ role: 'user', content: 'hello' }]), options()).plan.sessionKey).not.toBe(base);
    expect(
      prepareChat({ ...chat([{ role: 'user', content: 'hi' }]), model: 'gpt-5.2-codex' }, options()).plan.sessionKey,
    ).not.toBe(base);
  });

  it('prefers the client prompt_cache_key, then the session headers', () => {
    const fromBody = prepareChat(chat([{ role: 'user', content: 'hi' }], { prompt_cache_key: 'conv-1' }), options());
    expect(fromBody.plan.sessionKey).toBe('conv-1');
    const fromHeader = prepareResponses(
      { model: 'gpt-5.3-codex', input: 'hi' },
      false,
      options({ headers: { session_id: ' s-42 ' } }),
    );
    expect(fromHeader.plan.sessionKey).toBe('s-42');
    expect(fromHeader.plan.body['prompt_cache_key']).toBe('s-42');
  });

  it('leaves native requests without a key keyless', () => {
    const prepared = prepareResponses({ model: 'gpt-5.3-codex', input: 'hi' }, false, options());
    expect(prepared.plan.sessionKey).toBeUndefined();
    expect(prepared.plan.body).not.toHaveProperty('prompt_cache_key');
  });

  it('hashes the key for the trace, never storing it raw', () => {
    const hash = hashSessionKey('conv-1');
    expect(hash).toMatch(/^[0-9a-f]{16}$/);
    expect(hash).not.toContain('conv-1');
    expect(hashSessionKey('conv-1')).toBe(hash);
    expect(hashSessionKey(undefined)).toBeNull();
  });
});

describe('request preparation', () => {
  it('commits streaming clients at the first output item and the others at the end of the stream', () => {
    expect(prepareResponses({ model: 'm', input: 'x', stream: true }, false, options()).plan.commitAt).toBe(
      'first_output',
    );
    expect(prepareResponses({ model: 'm', input: 'x' }, false, options()).plan.commitAt).toBe('terminal');
    const compact = prepareResponses({ model: 'm', input: 'x', stream: true }, true, options());
    expect([compact.stream, compact.plan.compact]).toEqual([false, true]);
    expect(compact.plan.body).not.toHaveProperty('stream');
  });

  it('keeps the model string the client sent for chat replies, and strips the provider prefix upstream', () => {
    const prepared = prepareChat(
      chat([{ role: 'user', content: 'hi' }], { model: 'openai/gpt-5.3-codex', stream: true }),
      options(),
    );
    expect(prepared.plan.clientModel).toBe('openai/gpt-5.3-codex');
    expect(prepared.plan.upstreamModel).toBe('gpt-5.3-codex');
    expect(prepared.stream).toBe(true);
  });

  it('keeps a native answer for later item_references unless the client sent store:false', () => {
    const references = new ItemReferences(new SystemClock());
    const prepared = (store?: boolean) =>
      prepareResponses(
        { model: 'gpt-5.3-codex', input: 'hi', ...(store === undefined ? {} : { store }) },
        false,
        options({ references }),
      );
    expect(prepared().referenceScope).toBe('key_team');
    expect(prepared(true).referenceScope).toBe('key_team');
    expect(prepared(false).referenceScope).toBeUndefined();
  });

  it('lists dropped parameters once', () => {
    const prepared = prepareChat(chat([{ role: 'user', content: 'hi' }], { temperature: 0.2, seed: 7 }), options());
    expect(prepared.droppedParams).toEqual(expect.arrayContaining(['temperature', 'seed']));
    expect(new Set(prepared.droppedParams).size).toBe(prepared.droppedParams.length);
  });

  it('refuses what upstream cannot honour with a ClientRequestError naming the param', () => {
    expect(() =>
      prepareResponses({ model: 'm', input: 'x', previous_response_id: 'resp_1' }, false, options()),
    ).toThrow(ClientRequestError);
    expect(() => prepareChat(chat([{ role: 'user', content: 'hi' }], { n: 2 }), options())).toThrow(
      expect.objectContaining({ param: 'n' }) as Error,
    );
    expect(() => prepareResponses({ input: 'x' }, false, options())).toThrow(
      expect.objectContaining({ param: 'model' }) as Error,
    );
  });
});
