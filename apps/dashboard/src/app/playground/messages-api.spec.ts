import { TestBed } from '@angular/core/testing';
import { MessagesApi, messagesBody } from './messages-api';
import { readMessagesEvent } from './messages-stream';
import { ChatHttpError, FETCH } from './playground-api';

/** A fetch Response whose body arrives in the given pieces, as a network would split it. */
function streamedResponse(pieces: string[], status = 200): Response {
  const encoder = new TextEncoder();
  const queue = pieces.map((piece) => encoder.encode(piece));
  const text = pieces.join('');
  return {
    ok: status >= 200 && status < 300,
    status,
    statusText: '',
    headers: { get: (name: string) => (name === 'x-request-id' ? 'trace-a' : null) },
    body: {
      getReader: () => ({
        read: async () =>
          queue.length > 0 ? { done: false, value: queue.shift()! } : { done: true, value: undefined },
      }),
    },
    text: async () => text,
  } as unknown as Response;
}

const event = (type: string, data: object) => `event: ${type}\ndata: ${JSON.stringify({ type, ...data })}\n\n`;

const STREAM =
  event('message_start', { message: { id: 'msg_1', content: [], usage: { input_tokens: 0, output_tokens: 0 } } }) +
  event('ping', {}) +
  event('content_block_start', { index: 0, content_block: { type: 'text', text: '' } }) +
  event('content_block_delta', { index: 0, delta: { type: 'text_delta', text: 'Bonjour' } }) +
  event('content_block_delta', { index: 0, delta: { type: 'text_delta', text: ' à tous' } }) +
  event('content_block_stop', { index: 0 }) +
  event('message_delta', {
    delta: { stop_reason: 'end_turn', stop_sequence: null },
    usage: { input_tokens: 6, cache_read_input_tokens: 4, output_tokens: 3 },
  }) +
  event('message_stop', {});

describe('MessagesApi (the playground through /v1/messages)', () => {
  let calls: { url: string; init: RequestInit }[];
  let next: Response;

  beforeEach(() => {
    calls = [];
    TestBed.configureTestingModule({
      providers: [
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

  it('sends an Anthropic request with x-api-key and streams the text, even split mid-event', async () => {
    const cut = STREAM.indexOf('Bonjour') + 3;
    next = streamedResponse([STREAM.slice(0, cut), STREAM.slice(cut)]);
    const pieces: string[] = [];
    const reply = await TestBed.inject(MessagesApi).stream(
      {
        model: 'claude-sonnet-4-5',
        messages: [
          { role: 'system', content: 'Be brief.' },
          { role: 'user', content: 'hi' },
        ],
      },
      'sk-key',
      (text) => pieces.push(text),
    );
    expect(calls[0]!.url).toBe('/v1/messages');
    const headers = calls[0]!.init.headers as Record<string, string>;
    expect(headers['x-api-key']).toBe('sk-key');
    expect(JSON.parse(calls[0]!.init.body as string)).toEqual({
      model: 'claude-sonnet-4-5',
      max_tokens: 4096,
      system: 'Be brief.',
      messages: [{ role: 'user', content: 'hi' }],
      stream: true,
    });
    expect(pieces).toEqual(['Bonjour', ' à tous']);
    expect(reply).toMatchObject({
      content: 'Bonjour à tous',
      finishReason: 'end_turn',
      requestId: 'trace-a',
      error: null,
      usage: { promptTokens: 10, completionTokens: 3, totalTokens: 13, cachedTokens: 4 },
    });
  });

  it('reports an error event after the stream started, keeping the text so far', async () => {
    next = streamedResponse([
      event('content_block_delta', { index: 0, delta: { type: 'text_delta', text: 'Half' } }) +
        event('error', { error: { type: 'api_error', message: 'upstream went away' } }),
    ]);
    const reply = await TestBed.inject(MessagesApi).stream({ model: 'm', messages: [] }, null, () => undefined);
    expect(reply.content).toBe('Half');
    expect(reply.error).toBe('upstream went away');
  });

  it('turns a refused request into ChatHttpError with Anthropic’s message', async () => {
    next = streamedResponse(
      [
        JSON.stringify({
          type: 'error',
          error: { type: 'rate_limit_error', message: 'All 2 accounts are at their limit' },
        }),
      ],
      429,
    );
    const error = await TestBed.inject(MessagesApi)
      .stream({ model: 'm', messages: [] }, null, () => undefined)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ChatHttpError);
    expect((error as ChatHttpError).status).toBe(429);
    expect((error as ChatHttpError).message).toContain('All 2 accounts');
  });

  it('leaves the system text out of messages when there is none, and ignores unknown events', () => {
    expect(messagesBody('m', [{ role: 'user', content: 'x' }])).not.toHaveProperty('system');
    expect(readMessagesEvent('ping', '{"type":"ping"}')).toBeNull();
    expect(readMessagesEvent(undefined, 'not json')).toBeNull();
  });
});
