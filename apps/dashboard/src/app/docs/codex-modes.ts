/** Docs → Codex: one copy-paste config per way Codex can talk to the gateway (PROTOCOL §13). */
export interface CodexModeContext {
  origin: string;
  model: string;
  keysRequired: boolean;
}

export interface CodexMode {
  id: string;
  title: string;
  /** What this mode buys over the plain one, in a sentence or two. */
  buys: string;
  config: string;
}

export const CODEX_KEY_ENV = 'MULTICODEX_API_KEY';
/** Shown instead of this server's address in sanitized mode (screenshots). */
export const SANITIZED_ORIGIN = 'https://gateway.example';

interface ProviderLines {
  name: string;
  baseUrl: string;
  /** Keys of the provider table. */
  extra?: string[];
}

function provider(ctx: CodexModeContext, lines: ProviderLines): string {
  return [
    '# ~/.codex/config.toml',
    `model = "${ctx.model}"`,
    'model_provider = "pool"',
    '',
    '[model_providers.pool]',
    `name = "${lines.name}"`,
    `base_url = "${lines.baseUrl}"`,
    'wire_api = "responses"',
    `env_key = "${CODEX_KEY_ENV}"`,
    ...(lines.extra ?? []),
  ].join('\n');
}

export function codexModes(ctx: CodexModeContext): CodexMode[] {
  const v1 = `${ctx.origin}/v1`;
  const native = `${ctx.origin}/backend-api/codex`;
  return [
    {
      id: 'http',
      title: 'Custom provider over HTTP',
      buys:
        'Works with every Codex version. Each turn is one streamed POST, routed and failed over like any request. ' +
        'Long sessions are compacted locally: Codex asks the model for a summary through the pool.',
      config: provider(ctx, { name: 'MultiCodex', baseUrl: v1 }),
    },
    {
      id: 'websocket',
      title: 'With WebSockets',
      buys:
        'One socket per session instead of a connection per turn: faster turns in long sessions. The gateway still ' +
        'routes every turn on its own, so a spent account mid-conversation is replaced without you noticing. If ' +
        'WebSockets are switched off here, Codex falls back to HTTP at once.',
      config: provider(ctx, { name: 'MultiCodex', baseUrl: v1, extra: ['supports_websockets = true'] }),
    },
    {
      id: 'compaction',
      title: 'With remote compaction',
      buys:
        'Codex compacts remotely only when the provider is named exactly "OpenAI": the backend writes an encrypted ' +
        'checkpoint instead of a plain-text summary, which keeps more of the session. A checkpoint that comes back ' +
        'broken is retried on another account before Codex sees it.',
      config: provider(ctx, { name: 'OpenAI', baseUrl: v1, extra: ['supports_websockets = true'] }),
    },
    {
      id: 'chatgpt',
      title: 'ChatGPT-shaped base URL',
      buys:
        'The same paths as chatgpt.com (/backend-api/codex/responses, /responses/compact, /models), for builds and ' +
        'tools that expect them, with remote compaction and WebSockets on. Answers here also carry the pool’s quota ' +
        'as x-codex-* headers, which Codex shows in /status.',
      config: provider(ctx, { name: 'OpenAI', baseUrl: native, extra: ['supports_websockets = true'] }),
    },
  ];
}

export function codexKeyNote(ctx: CodexModeContext): string {
  return ctx.keysRequired
    ? `export ${CODEX_KEY_ENV}="<your client key>"\n# Signed in with ChatGPT? Add to the provider: env_http_headers = { "x-api-key" = "${CODEX_KEY_ENV}" }`
    : `# This server requires no client key; Codex still wants a value:\nexport ${CODEX_KEY_ENV}="unused"`;
}

/** What a Codex user can check on this server, in Codex's own terms. */
export const CODEX_USAGE_CHECK = 'GET /backend-api/wham/usage   (also /v1/usage/pool)';
