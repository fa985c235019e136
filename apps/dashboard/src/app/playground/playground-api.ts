import { HttpClient } from '@angular/common/http';
import { Injectable, InjectionToken, inject } from '@angular/core';
import type { Observable } from 'rxjs';
import { fetchErrorMessage } from '../core/http-error';
import { type ChatUsage, SseDataDecoder, readChatChunk } from './chat-stream';

/** The `/v1/models` entries the playground reads (PROTOCOL §9.3). */
export interface OpenAiModel {
  id: string;
  object: 'model';
  created: number;
  owned_by: string;
  metadata?: { display_name?: string | null; context_window?: number | null; reasoning_efforts?: string[] | null };
}

export interface OpenAiModelList {
  object: 'list';
  data: OpenAiModel[];
}

export interface ChatMessage {
  role: 'system' | 'user' | 'assistant';
  content: string;
}

export interface ChatReply {
  content: string;
  finishReason: string | null;
  usage: ChatUsage | null;
  /** The trace id of the request (`x-request-id`). */
  requestId: string | null;
  /** Until the response headers arrived: the proxy sends them at its commit point. */
  ttfbMs: number;
  firstTokenMs: number | null;
  latencyMs: number;
  /** Set when the stream failed after it started; `content` then holds what arrived. */
  error: string | null;
}

/** A refused request, before any stream: the status and the OpenAI envelope's message. */
export class ChatHttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = 'ChatHttpError';
  }
}

/** The reply of a streamed answer before its first event, or a ChatHttpError for an error answer (both endpoints). */
export async function openReply(
  response: Response,
  started: number,
): Promise<{ reply: ChatReply; body: ReadableStream<Uint8Array> }> {
  const reply: ChatReply = {
    content: '',
    finishReason: null,
    usage: null,
    requestId: response.headers.get('x-request-id'),
    ttfbMs: performance.now() - started,
    firstTokenMs: null,
    latencyMs: 0,
    error: null,
  };
  if (!response.ok) throw new ChatHttpError(response.status, await fetchErrorMessage(response));
  if (!response.body) throw new ChatHttpError(response.status, 'The response had no body to stream.');
  return { reply, body: response.body };
}

/** Stamps the total latency once the stream ends, and says so when it ended before the reply was complete. */
export function finishReply(reply: ChatReply, started: number, done: boolean): ChatReply {
  reply.latencyMs = performance.now() - started;
  if (!done && reply.error === null) reply.error = 'The stream ended before the reply was complete.';
  return reply;
}

export const FETCH = new InjectionToken<typeof fetch>('fetch', {
  providedIn: 'root',
  factory: () => (input, init) => fetch(input, init),
});

function clientHeaders(clientKey: string | null): Record<string, string> {
  return clientKey ? { authorization: `Bearer ${clientKey}` } : {};
}

@Injectable({ providedIn: 'root' })
export class PlaygroundApi {
  private readonly http = inject(HttpClient);
  private readonly fetch = inject(FETCH);

  /** The gateway's own model list, seen exactly as a client sees it (with its key, when keys are required). */
  models(clientKey: string | null): Observable<OpenAiModelList> {
    return this.http.get<OpenAiModelList>('/v1/models', { headers: clientHeaders(clientKey) });
  }

  /** Streams a chat completion through the gateway, calling `onText` with each piece of the answer. */
  async streamChat(
    request: { model: string; messages: ChatMessage[] },
    clientKey: string | null,
    onText: (text: string) => void,
    signal?: AbortSignal,
  ): Promise<ChatReply> {
    const started = performance.now();
    const response = await this.fetch('/v1/chat/completions', {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'text/event-stream', ...clientHeaders(clientKey) },
      body: JSON.stringify({ ...request, stream: true, stream_options: { include_usage: true } }),
      signal,
    });
    const { reply, body } = await openReply(response, started);
    const done = await this.readStream(body, reply, started, onText);
    return finishReply(reply, started, done);
  }

  /** Returns whether the stream ended properly (`[DONE]`). */
  private async readStream(
    body: ReadableStream<Uint8Array>,
    reply: ChatReply,
    started: number,
    onText: (text: string) => void,
  ): Promise<boolean> {
    const reader = body.getReader();
    const decoder = new TextDecoder();
    const sse = new SseDataDecoder();
    let done = false;
    const handle = (payloads: string[]) => {
      for (const payload of payloads) {
        const chunk = readChatChunk(payload);
        if (chunk === null) continue;
        if (chunk.kind === 'done') done = true;
        else if (chunk.kind === 'error') reply.error = chunk.message;
        else {
          if (chunk.content) {
            reply.firstTokenMs ??= performance.now() - started;
            reply.content += chunk.content;
            onText(chunk.content);
          }
          if (chunk.finishReason) reply.finishReason = chunk.finishReason;
          if (chunk.usage) reply.usage = chunk.usage;
        }
      }
    };
    for (;;) {
      const { value, done: finished } = await reader.read();
      if (finished) break;
      handle(sse.push(decoder.decode(value, { stream: true })));
    }
    handle([...sse.push(decoder.decode()), ...sse.end()]);
    return done;
  }
}
