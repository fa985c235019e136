import { Injectable, inject } from '@angular/core';
import { createParser } from 'eventsource-parser';
import { readMessagesEvent } from './messages-stream';
import { FETCH, finishReply, openReply, type ChatMessage, type ChatReply } from './playground-api';

/** What the playground sends as an Anthropic Messages request: the system text apart, then the turns. */
export function messagesBody(model: string, messages: ChatMessage[]): Record<string, unknown> {
  const system = messages.filter((m) => m.role === 'system').map((m) => m.content);
  return {
    model,
    max_tokens: 4096,
    ...(system.length > 0 ? { system: system.join('\n\n') } : {}),
    messages: messages.filter((m) => m.role !== 'system'),
    stream: true,
  };
}

/** The playground's second surface: `/v1/messages`, as Claude Code and Anthropic SDKs call it (x-api-key). */
@Injectable({ providedIn: 'root' })
export class MessagesApi {
  private readonly fetch = inject(FETCH);

  async stream(
    request: { model: string; messages: ChatMessage[] },
    clientKey: string | null,
    onText: (text: string) => void,
    signal?: AbortSignal,
  ): Promise<ChatReply> {
    const started = performance.now();
    const response = await this.fetch('/v1/messages', {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        accept: 'text/event-stream',
        'anthropic-version': '2023-06-01',
        ...(clientKey ? { 'x-api-key': clientKey } : {}),
      },
      body: JSON.stringify(messagesBody(request.model, request.messages)),
      signal,
    });
    const { reply, body } = await openReply(response, started);
    const done = await read(body, (event, data) => {
      const chunk = readMessagesEvent(event, data);
      if (chunk?.kind === 'text') {
        reply.firstTokenMs ??= performance.now() - started;
        reply.content += chunk.text;
        onText(chunk.text);
      } else if (chunk?.kind === 'usage') {
        reply.usage = chunk.usage;
        reply.finishReason = chunk.stopReason;
      } else if (chunk?.kind === 'error') reply.error = chunk.message;
      return chunk?.kind === 'done';
    });
    return finishReply(reply, started, done);
  }
}

/** Feeds the body through eventsource-parser; true once `onEvent` reported the end of the message. */
async function read(
  body: ReadableStream<Uint8Array>,
  onEvent: (event: string | undefined, data: string) => boolean,
): Promise<boolean> {
  let done = false;
  const parser = createParser({ onEvent: (message) => (done = onEvent(message.event, message.data) || done) });
  const reader = body.getReader();
  const decoder = new TextDecoder();
  for (;;) {
    const { value, done: finished } = await reader.read();
    if (finished) break;
    parser.feed(decoder.decode(value, { stream: true }));
  }
  parser.feed(decoder.decode());
  return done;
}
