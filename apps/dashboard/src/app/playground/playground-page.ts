import { ChangeDetectionStrategy, Component, DestroyRef, computed, inject, linkedSignal, signal } from '@angular/core';
import { rxResource } from '@angular/core/rxjs-interop';
import { MatButtonModule } from '@angular/material/button';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatInputModule } from '@angular/material/input';
import { MatSelectModule } from '@angular/material/select';
import { RouterLink } from '@angular/router';
import { formatCount, formatMs } from '../core/format';
import { errorText } from '../core/http-error';
import { MaskPipe } from '../core/mask';
import { Notice } from '../shared/notice';
import { ClientKeyStore } from './client-key-store';
import { type Turn, buildMessages, chatErrorText, isUnauthorized } from './conversation';
import { MessagesApi } from './messages-api';
import { ChatHttpError, PlaygroundApi } from './playground-api';

/** The client surface the playground talks through: OpenAI's Chat Completions or Anthropic's Messages. */
export type PlaygroundSurface = 'chat' | 'messages';

@Component({
  selector: 'mcp-playground-page',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [MatButtonModule, MatFormFieldModule, MatInputModule, MatSelectModule, RouterLink, MaskPipe, Notice],
  templateUrl: './playground-page.html',
  styleUrl: './playground-page.scss',
})
export class PlaygroundPage {
  private readonly api = inject(PlaygroundApi);
  private readonly messagesApi = inject(MessagesApi);
  protected readonly keys = inject(ClientKeyStore);
  private abort: AbortController | undefined;

  protected readonly models = rxResource({
    params: () => ({ key: this.keys.key() }),
    stream: ({ params }) => this.api.models(params.key),
  });
  protected readonly modelIds = computed(() =>
    this.models.hasValue() ? this.models.value().data.map((m) => m.id) : [],
  );
  protected readonly needsKey = computed(() => isUnauthorized(this.models.error()));
  /** Keeps the user's pick across reloads of the list, as long as the model still exists. */
  protected readonly model = linkedSignal<string[], string>({
    source: this.modelIds,
    computation: (ids, previous) => (previous && ids.includes(previous.value) ? previous.value : (ids[0] ?? '')),
  });
  protected readonly surface = signal<PlaygroundSurface>('chat');
  protected readonly system = signal('');
  protected readonly prompt = signal('');
  protected readonly keyDraft = signal('');
  protected readonly showKey = signal(false);
  protected readonly turns = signal<Turn[]>([]);
  protected readonly streaming = signal(false);
  protected readonly canSend = computed(() => !this.streaming() && this.model() !== '' && this.prompt().trim() !== '');

  protected readonly formatCount = formatCount;
  protected readonly formatMs = formatMs;
  protected readonly errorText = errorText;

  constructor() {
    inject(DestroyRef).onDestroy(() => this.abort?.abort());
  }

  protected async send(): Promise<void> {
    if (!this.canSend()) return;
    const prompt = this.prompt().trim();
    const messages = buildMessages(this.system(), this.turns(), prompt);
    this.turns.update((turns) => [
      ...turns,
      { role: 'user', content: prompt },
      { role: 'assistant', content: '', streaming: true },
    ]);
    this.prompt.set('');
    this.streaming.set(true);
    this.abort = new AbortController();
    try {
      const onText = (text: string) => this.updateLast((turn) => ({ ...turn, content: turn.content + text }));
      const request = { model: this.model(), messages };
      const reply =
        this.surface() === 'messages'
          ? await this.messagesApi.stream(request, this.keys.key(), onText, this.abort.signal)
          : await this.api.streamChat(request, this.keys.key(), onText, this.abort.signal);
      this.updateLast((turn) => ({ ...turn, streaming: false, reply, error: reply.error ?? undefined }));
    } catch (error: unknown) {
      if (error instanceof ChatHttpError && error.status === 401) this.showKey.set(true);
      this.updateLast((turn) => ({ ...turn, streaming: false, error: chatErrorText(error) }));
    } finally {
      this.streaming.set(false);
      this.abort = undefined;
    }
  }

  protected onPromptKey(event: KeyboardEvent): void {
    // Enter sends, Shift+Enter makes a new line, as in every chat app.
    if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      void this.send();
    }
  }

  protected stop(): void {
    this.abort?.abort();
  }

  protected clear(): void {
    this.abort?.abort();
    this.turns.set([]);
  }

  protected saveKey(): void {
    this.keys.set(this.keyDraft());
    this.keyDraft.set('');
    this.showKey.set(false);
  }

  protected forgetKey(): void {
    this.keys.set(null);
  }

  private updateLast(change: (turn: Turn) => Turn): void {
    this.turns.update((turns) => turns.map((turn, i) => (i === turns.length - 1 ? change(turn) : turn)));
  }
}
