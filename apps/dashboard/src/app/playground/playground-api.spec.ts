import { provideHttpClient } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { TestBed } from '@angular/core/testing';
import { firstValueFrom } from 'rxjs';
import { ChatHttpError, FETCH, PlaygroundApi } from './playground-api';

interface FakeCall {
  url: string;
  init: RequestInit;
}

/** A fetch Response whose body arrives in the given pieces, as a network would split it. */
function streamedResponse(pieces: string[], status = 200, headers: Record<string, string> = {}): Response {
  const encoder = new TextEncoder();
  const queue = pieces.map((piece) => encoder.encode(piece));
  const body = {
    getReader: () => ({
      read: async () => (queue.length > 0 ? { done: false, value: queue.shift()! } : { done: true, value: undefined }),
    }),
  };
  const text = pieces.join('');
  return {
    ok: status >= 200 && status < 300,
    status,
    statusText: '',
    headers: { get: (name: string) => headers[name.toLowerCase()] ?? null },
    body,
    text: async () => text,
  } as unknown as Response;
}

const chunk = (delta: object, extra: object = {}) =>
  `data: ${JSON.stringify({ object: 'chat.completion.chunk', choices: [{ index: 0, delta, finish_reason: null }], usage: null, ...extra })}\n\n`;

describe('PlaygroundApi', () => {
  let calls: FakeCall[];
  let next: Response;

  beforeEach(() => {
    calls = [];
    TestBed.configureTestingModule({
      providers: [
        provideHttpClient(),
        provideHttpClientTesting(),
        {
          provide: FETCH,
          useValue: async (url: string, init: RequestInit) => {
            calls.push({ url, init });
            return next;
          },
        },
      ],
    });
  });

  it('lists models with the client key as a Bearer token, and without it when none is set', async () => {
    const api = TestBed.inject(PlaygroundApi);
    const backend = TestBed.inject(HttpTestingController);
    const withKey = firstValueFrom(api.models('sk-client'));
    const request = backend.expectOne('/v1/models');
    expect(request.request.headers.get('authorization')).toBe('Bearer sk-client');
    request.flush({
      object: 'list',
      data: [{ id: 'gpt-5.3-codex', object: 'model', created: 1, owned_by: 'multicodex-proxy' }],
    });
    expect((await withKey).data[0]!.id).toBe('gpt-5.3-codex');

    api.models(null).subscribe();
    const open = backend.expectOne('/v1/models');
    expect(open.request.headers.has('authorization')).toBe(false);
    open.flush({ object: 'list', data: [] });
    backend.verify();
  });

  it('streams the answer piece by piece and reports usage and the trace id', async () => {
    next = streamedResponse(
      [
        chunk({ role: 'assistant', content: '' }),
        chunk({ content: 'Hel' }).slice(0, 30),
        chunk({ content: 'Hel' }).slice(30) + chunk({ content: 'lo' }),
        `data: ${JSON.stringify({ choices: [{ index: 0, delta: {}, finish_reason: 'stop' }], usage: null })}\n\n`,
        `data: ${JSON.stringify({ choices: [], usage: { prompt_tokens: 9, completion_tokens: 2, total_tokens: 11 } })}\n\n`,
        'data: [DONE]\n\n',
      ],
      200,
      { 'x-request-id': 'trace-42' },
    );
    const pieces: string[] = [];
    const reply = await TestBed.inject(PlaygroundApi).streamChat(
      { model: 'gpt-5.3-codex', messages: [{ role: 'user', content: 'hi' }] },
      'sk-client',
      (text) => pieces.push(text),
    );

    expect(pieces).toEqual(['Hel', 'lo']);
    expect(reply).toMatchObject({ content: 'Hello', finishReason: 'stop', requestId: 'trace-42', error: null });
    expect(reply.usage).toEqual({
      promptTokens: 9,
      completionTokens: 2,
      totalTokens: 11,
      cachedTokens: 0,
      reasoningTokens: 0,
    });
    expect(reply.firstTokenMs).not.toBeNull();

    const [call] = calls;
    expect(call!.url).toBe('/v1/chat/completions');
    expect((call!.init.headers as Record<string, string>)['authorization']).toBe('Bearer sk-client');
    expect(JSON.parse(call!.init.body as string)).toEqual({
      model: 'gpt-5.3-codex',
      messages: [{ role: 'user', content: 'hi' }],
      stream: true,
      stream_options: { include_usage: true },
    });
  });

  it('throws the gateway message when the request is refused before streaming', async () => {
    next = streamedResponse(
      [
        JSON.stringify({
          error: {
            message: 'All 2 accounts are at their usage limit.',
            type: 'usage_limit_reached',
            code: 'all_accounts_exhausted',
          },
        }),
      ],
      429,
    );
    const reply = TestBed.inject(PlaygroundApi).streamChat({ model: 'm', messages: [] }, null, () => undefined);
    await expect(reply).rejects.toBeInstanceOf(ChatHttpError);
    await expect(reply).rejects.toMatchObject({ status: 429, message: 'All 2 accounts are at their usage limit.' });
  });

  it('keeps the partial answer and the error when the stream fails midway', async () => {
    next = streamedResponse([
      chunk({ content: 'Part' }),
      'data: {"error":{"message":"upstream stream interrupted","type":"upstream_error","code":"stream_interrupted","param":null}}\n\n',
      'data: [DONE]\n\n',
    ]);
    const reply = await TestBed.inject(PlaygroundApi).streamChat({ model: 'm', messages: [] }, null, () => undefined);
    expect(reply.content).toBe('Part');
    expect(reply.error).toBe('upstream stream interrupted');
  });

  it('says so when the stream stops without its end marker', async () => {
    next = streamedResponse([chunk({ content: 'Trunc' })]);
    const reply = await TestBed.inject(PlaygroundApi).streamChat({ model: 'm', messages: [] }, null, () => undefined);
    expect(reply.content).toBe('Trunc');
    expect(reply.error).toContain('ended before the reply was complete');
  });
});
