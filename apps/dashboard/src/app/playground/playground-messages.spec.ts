import { provideHttpClient } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { TestBed } from '@angular/core/testing';
import { provideRouter } from '@angular/router';
import { FETCH } from './playground-api';
import { PlaygroundPage } from './playground-page';

const event = (type: string, data: object) => `event: ${type}\ndata: ${JSON.stringify({ type, ...data })}\n\n`;

function anthropicStream(text: string): Response {
  const body =
    event('message_start', { message: { id: 'msg_1', content: [] } }) +
    event('content_block_delta', { index: 0, delta: { type: 'text_delta', text } }) +
    event('message_delta', { delta: { stop_reason: 'end_turn' }, usage: { input_tokens: 5, output_tokens: 2 } }) +
    event('message_stop', {});
  const bytes = new TextEncoder().encode(body);
  let sent = false;
  return {
    ok: true,
    status: 200,
    headers: { get: () => null },
    body: {
      getReader: () => ({ read: async () => (sent ? { done: true } : ((sent = true), { done: false, value: bytes })) }),
    },
  } as unknown as Response;
}

describe('PlaygroundPage through /v1/messages', () => {
  it('sends the chat to the Anthropic surface when that API is chosen', async () => {
    const urls: string[] = [];
    TestBed.configureTestingModule({
      providers: [
        provideHttpClient(),
        provideHttpClientTesting(),
        provideRouter([]),
        {
          provide: FETCH,
          useValue: async (url: string) => {
            urls.push(url);
            return anthropicStream('Hello from Messages');
          },
        },
      ],
    });
    const backend = TestBed.inject(HttpTestingController);
    const fixture = TestBed.createComponent(PlaygroundPage);
    const element = fixture.nativeElement as HTMLElement;
    fixture.detectChanges();
    backend.expectOne('/v1/models').flush({ object: 'list', data: [{ id: 'gpt-5.3-codex' }] });
    await fixture.whenStable();
    expect(element.querySelector('[data-testid="playground-surface"]')!.textContent).toContain('Chat Completions');

    fixture.componentInstance['surface'].set('messages');
    fixture.detectChanges();
    expect(element.textContent).toContain('/v1/messages');
    const prompt = element.querySelector<HTMLTextAreaElement>('[data-testid="playground-prompt"]')!;
    prompt.value = 'hi';
    prompt.dispatchEvent(new Event('input'));
    fixture.detectChanges();
    element.querySelector<HTMLElement>('[data-testid="playground-send"]')!.click();
    await new Promise((resolve) => setTimeout(resolve));
    await fixture.whenStable();

    expect(urls).toEqual(['/v1/messages']);
    expect(element.querySelector('[data-testid="playground-answer"]')!.textContent).toBe('Hello from Messages');
    expect(element.querySelector('[data-testid="playground-tokens"]')!.textContent).toContain('7 tokens');
    backend.verify();
  });
});
