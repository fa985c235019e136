import { ChangeDetectionStrategy, Component, computed, inject } from '@angular/core';
import { rxResource } from '@angular/core/rxjs-interop';
import { errorText } from '../core/http-error';
import { CopyButton } from '../shared/copy-button';
import { Notice } from '../shared/notice';
import { ClaudeCodeSection } from './claude-code-section';
import { CodexSection } from './codex-section';
import { DocsApi } from './docs-api';
import {
  ENDPOINTS,
  FALLBACK_MODEL,
  type SnippetContext,
  codexConfig,
  curlAdmin,
  curlChat,
  curlModels,
  curlResponses,
  genericClient,
  keyExport,
  nodeSdk,
  pythonSdk,
} from './snippets';

export interface Snippet {
  id: string;
  title: string;
  note: string;
  code: string;
  /** A second step shown under the first block (e.g. the environment variable after the config file). */
  then?: { note: string; code: string };
}

export function buildSnippets(ctx: SnippetContext): { clients: Snippet[]; http: Snippet[] } {
  return {
    clients: [
      {
        id: 'codex',
        title: 'Codex CLI',
        note: 'Add a custom provider in ~/.codex/config.toml:',
        code: codexConfig(ctx),
        then: { note: 'Then give Codex the key through the environment:', code: keyExport(ctx) },
      },
      { id: 'node', title: 'OpenAI SDK for Node.js', note: 'npm install openai', code: nodeSdk(ctx) },
      { id: 'python', title: 'OpenAI SDK for Python', note: 'pip install openai', code: pythonSdk(ctx) },
      {
        id: 'generic',
        title: 'Any OpenAI-compatible client',
        note: 'Editors, agents and tools that take a custom endpoint:',
        code: genericClient(ctx),
      },
    ],
    http: [
      { id: 'models', title: 'List models', note: '', code: curlModels(ctx) },
      { id: 'chat', title: 'Chat completion (streaming)', note: '', code: curlChat(ctx) },
      { id: 'responses', title: 'Responses API', note: '', code: curlResponses(ctx) },
      { id: 'admin', title: 'Admin API', note: 'Every /admin route takes the admin token:', code: curlAdmin(ctx) },
    ],
  };
}

@Component({
  selector: 'mcp-docs-page',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [CopyButton, Notice, ClaudeCodeSection, CodexSection],
  templateUrl: './docs-page.html',
  styleUrl: './docs-page.scss',
})
export class DocsPage {
  private readonly api = inject(DocsApi);

  protected readonly config = rxResource({ stream: () => this.api.config() });
  protected readonly models = rxResource({ stream: () => this.api.models() });
  protected readonly endpoints = ENDPOINTS;
  protected readonly origin = typeof window === 'undefined' ? 'http://localhost:4010' : window.location.origin;

  protected readonly context = computed<SnippetContext>(() => {
    const models = this.models.hasValue() ? this.models.value().models : [];
    const listed = models.find((m) => m.visibility === undefined || m.visibility === 'list') ?? models[0];
    return {
      origin: this.origin,
      model: listed?.id ?? FALLBACK_MODEL,
      keysRequired: this.config.hasValue() ? this.config.value().clientKeysRequired : true,
    };
  });
  protected readonly snippets = computed(() => buildSnippets(this.context()));
  protected readonly modelIds = computed(() =>
    this.models.hasValue() ? this.models.value().models.map((m) => m.id) : [],
  );
  protected readonly errorText = errorText;
}
