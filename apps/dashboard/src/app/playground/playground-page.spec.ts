import { provideHttpClient } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { type ComponentFixture, TestBed } from '@angular/core/testing';
import { provideRouter } from '@angular/router';
import { FETCH } from './playground-api';
import { PlaygroundPage } from './playground-page';

/** A streamed reply whose second half waits until `release()` is called, to watch the answer grow. */
function gatedStream(first: string, rest: string) {
  const encoder = new TextEncoder();
  let release!: () => void;
  const gate = new Promise<void>((resolve) => (release = resolve));
  let step = 0;
  const response = {
    ok: true,
    status: 200,
    headers: { get: (name: string) => (name === 'x-request-id' ? 'trace-9' : null) },
    body: {
      getReader: () => ({
        read: async () => {
          step++;
          if (step === 1) return { done: false, value: encoder.encode(first) };
          if (step === 2) {
            await gate;
            return { done: false, value: encoder.encode(rest) };
          }
          return { done: true, value: undefined };
        },
      }),
    },
  } as unknown as Response;
  return { response, release };
}

const delta = (content: string) =>
  `data: {"choices":[{"index":0,"delta":{"content":${JSON.stringify(content)}},"finish_reason":null}]}\n\n`;

describe('PlaygroundPage', () => {
  let fixture: ComponentFixture<PlaygroundPage>;
  let element: HTMLElement;
  let backend: HttpTestingController;
  let reply: ReturnType<typeof gatedStream>;

  beforeEach(async () => {
    sessionStorage.clear();
    reply = gatedStream(
      delta('Hello'),
      delta(', world') +
        'data: {"choices":[{"index":0,"delta":{},"finish_reason":"stop"}]}\n\n' +
        'data: {"choices":[],"usage":{"prompt_tokens":8,"completion_tokens":3,"total_tokens":11}}\n\ndata: [DONE]\n\n',
    );
    TestBed.configureTestingModule({
      providers: [
        provideHttpClient(),
        provideHttpClientTesting(),
        provideRouter([]),
        { provide: FETCH, useValue: async () => reply.response },
      ],
    });
    backend = TestBed.inject(HttpTestingController);
    fixture = TestBed.createComponent(PlaygroundPage);
    element = fixture.nativeElement as HTMLElement;
    fixture.detectChanges();
  });

  afterEach(() => backend.verify());

  const byId = (id: string) => element.querySelector<HTMLElement>(`[data-testid="${id}"]`);

  it('picks the first model, streams the answer as it arrives, then shows tokens and latency', async () => {
    backend.expectOne('/v1/models').flush({ object: 'list', data: [{ id: 'gpt-5.3-codex' }, { id: 'gpt-5-codex' }] });
    await fixture.whenStable();
    expect(byId('playground-model')!.textContent).toContain('gpt-5.3-codex');

    const prompt = byId('playground-prompt') as HTMLTextAreaElement;
    prompt.value = 'Say hello';
    prompt.dispatchEvent(new Event('input'));
    fixture.detectChanges();
    byId('playground-send')!.click();

    await new Promise((resolve) => setTimeout(resolve));
    await fixture.whenStable();
    expect(byId('playground-answer')!.textContent).toBe('Hello');
    expect(byId('playground-answer')!.getAttribute('data-streaming')).toBe('true');

    reply.release();
    await new Promise((resolve) => setTimeout(resolve));
    await fixture.whenStable();
    expect(byId('playground-answer')!.textContent).toBe('Hello, world');
    expect(byId('playground-tokens')!.textContent).toContain('11 tokens');
    expect(byId('playground-latency')!.textContent).toMatch(/total \d/);
    expect(element.textContent).toContain('View trace');
  });

  it('asks for a client key when the model list requires one, and retries with it', async () => {
    backend
      .expectOne('/v1/models')
      .flush({ error: { message: 'Missing API key' } }, { status: 401, statusText: 'Unauthorized' });
    await fixture.whenStable();
    expect(element.textContent).toContain('requires a client key');
    const key = byId('playground-client-key') as HTMLInputElement;
    key.value = 'sk-test';
    key.dispatchEvent(new Event('input'));
    key.dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter' }));
    fixture.detectChanges();
    const retry = backend.expectOne('/v1/models');
    expect(retry.request.headers.get('authorization')).toBe('Bearer sk-test');
    retry.flush({ object: 'list', data: [{ id: 'gpt-5.3-codex' }] });
    expect(sessionStorage.getItem('mcp.clientKey')).toBe('sk-test');
    reply.release();
  });
});
