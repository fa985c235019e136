/** Everything a snippet needs: this server's own address, a model it serves, and whether keys are required. */
export interface SnippetContext {
  origin: string;
  model: string;
  keysRequired: boolean;
}

export const FALLBACK_MODEL = 'gpt-5.3-codex';
export const KEY_ENV = 'MULTICODEX_API_KEY';

export interface Endpoint {
  method: string;
  path: string;
  auth: 'client key' | 'admin token' | 'none';
  description: string;
}

export const ENDPOINTS: readonly Endpoint[] = [
  {
    method: 'GET',
    path: '/v1/models',
    auth: 'client key',
    description: 'Models the pool can serve, OpenAI list format',
  },
  { method: 'GET', path: '/v1/models/:id', auth: 'client key', description: 'One model, or 404 model_not_found' },
  {
    method: 'POST',
    path: '/v1/chat/completions',
    auth: 'client key',
    description: 'Chat Completions, streaming or not, with tools',
  },
  {
    method: 'POST',
    path: '/v1/responses',
    auth: 'client key',
    description: 'Responses API, native (what Codex CLI speaks)',
  },
  {
    method: 'POST',
    path: '/v1/responses/compact',
    auth: 'client key',
    description: 'Conversation compaction for Codex CLI',
  },
  {
    method: 'POST',
    path: '/v1/messages',
    auth: 'client key',
    description: 'Anthropic Messages API for Claude Code and Anthropic SDKs (x-api-key or Bearer)',
  },
  {
    method: 'POST',
    path: '/v1/messages/count_tokens',
    auth: 'client key',
    description: 'An estimate of the input tokens of a Messages request',
  },
  {
    method: 'POST',
    path: '/backend-api/codex/responses',
    auth: 'client key',
    description: 'The same as /v1/responses under the ChatGPT-shaped prefix, with x-codex-* headers for the pool',
  },
  {
    method: 'GET',
    path: '/backend-api/codex/models',
    auth: 'client key',
    description: 'The model catalogue in the upstream shape Codex reads',
  },
  {
    method: 'GET',
    path: '/backend-api/wham/usage',
    auth: 'client key',
    description: "The pool's quota in Codex's /status shape (also /v1/usage/pool)",
  },
  { method: 'GET', path: '/health', auth: 'none', description: 'Liveness, version and usable account count' },
  {
    method: 'GET',
    path: '/admin/accounts',
    auth: 'admin token',
    description: 'Accounts with usage, blocks and status',
  },
  {
    method: 'POST',
    path: '/admin/oauth/start',
    auth: 'admin token',
    description: 'Start a login (browser or device code)',
  },
  { method: 'GET', path: '/admin/traces', auth: 'admin token', description: 'Paginated request traces with filters' },
  {
    method: 'GET',
    path: '/admin/stats/usage',
    auth: 'admin token',
    description: 'Totals by account, route and model over the full history',
  },
  {
    method: 'GET',
    path: '/admin/stats/traces',
    auth: 'admin token',
    description: 'Time series of requests, tokens and cost',
  },
  {
    method: 'GET',
    path: '/admin/config',
    auth: 'admin token',
    description: 'Effective configuration and storage paths',
  },
];

function authHeader(ctx: SnippetContext): string {
  return ctx.keysRequired ? ` \\\n  -H "authorization: Bearer $${KEY_ENV}"` : '';
}

export function curlModels(ctx: SnippetContext): string {
  return `curl ${ctx.origin}/v1/models${authHeader(ctx)}`;
}

export function curlChat(ctx: SnippetContext): string {
  return [
    `curl ${ctx.origin}/v1/chat/completions${authHeader(ctx)} \\`,
    `  -H "content-type: application/json" \\`,
    `  -d '{"model": "${ctx.model}", "stream": true, "messages": [{"role": "user", "content": "Say hello"}]}'`,
  ].join('\n');
}

export function curlResponses(ctx: SnippetContext): string {
  return [
    `curl ${ctx.origin}/v1/responses${authHeader(ctx)} \\`,
    `  -H "content-type: application/json" \\`,
    `  -d '{"model": "${ctx.model}", "input": "Write a haiku about proxies"}'`,
  ].join('\n');
}

export function curlAdmin(ctx: SnippetContext): string {
  return [
    `curl -H "x-admin-token: $ADMIN_TOKEN" "${ctx.origin}/admin/traces?page=1&pageSize=20"`,
    `curl -H "x-admin-token: $ADMIN_TOKEN" "${ctx.origin}/admin/stats/usage?sinceMs=$(( ($(date +%s) - 86400) * 1000 ))"`,
  ].join('\n');
}

export function codexConfig(ctx: SnippetContext): string {
  return [
    '# ~/.codex/config.toml',
    `model = "${ctx.model}"`,
    'model_provider = "multicodex"',
    '',
    '[model_providers.multicodex]',
    'name = "MultiCodex Proxy"',
    `base_url = "${ctx.origin}/v1"`,
    'wire_api = "responses"',
    `env_key = "${KEY_ENV}"`,
  ].join('\n');
}

export function keyExport(ctx: SnippetContext): string {
  return ctx.keysRequired
    ? `export ${KEY_ENV}="<your client key>"`
    : `# This server does not require client keys, but clients want a value:\nexport ${KEY_ENV}="unused"`;
}

export function nodeSdk(ctx: SnippetContext): string {
  return [
    "import OpenAI from 'openai';",
    '',
    'const client = new OpenAI({',
    `  baseURL: '${ctx.origin}/v1',`,
    `  apiKey: process.env.${KEY_ENV},`,
    '});',
    '',
    'const stream = await client.chat.completions.create({',
    `  model: '${ctx.model}',`,
    "  messages: [{ role: 'user', content: 'Say hello' }],",
    '  stream: true,',
    '});',
    'for await (const chunk of stream) {',
    "  process.stdout.write(chunk.choices[0]?.delta?.content ?? '');",
    '}',
  ].join('\n');
}

export function pythonSdk(ctx: SnippetContext): string {
  return [
    'import os',
    'from openai import OpenAI',
    '',
    'client = OpenAI(',
    `    base_url="${ctx.origin}/v1",`,
    `    api_key=os.environ["${KEY_ENV}"],`,
    ')',
    '',
    'stream = client.chat.completions.create(',
    `    model="${ctx.model}",`,
    '    messages=[{"role": "user", "content": "Say hello"}],',
    '    stream=True,',
    ')',
    'for chunk in stream:',
    '    if chunk.choices and chunk.choices[0].delta.content:',
    '        print(chunk.choices[0].delta.content, end="", flush=True)',
  ].join('\n');
}

export function genericClient(ctx: SnippetContext): string {
  return [
    `Base URL:  ${ctx.origin}/v1`,
    `API key:   ${ctx.keysRequired ? 'a client key created for you' : 'any non-empty value'}`,
    `Model:     ${ctx.model} (see GET /v1/models for the full list)`,
    'API:       OpenAI Chat Completions or Responses, streaming supported',
  ].join('\n');
}
