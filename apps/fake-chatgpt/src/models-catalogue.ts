import { createHash } from 'node:crypto';

/** Model catalogue served at /backend-api/codex/models, shaped like the real ModelInfo (PROTOCOL §9.1). */
export interface ModelInfo {
  slug: string;
  display_name: string;
  description: string;
  default_reasoning_level: string;
  supported_reasoning_levels: { effort: string; description: string }[];
  shell_type: string;
  visibility: 'list' | 'hide' | 'none';
  minimal_client_version: string;
  supported_in_api: boolean;
  priority: number;
  upgrade: string | null;
  base_instructions: string;
  supports_reasoning_summaries: boolean;
  support_verbosity: boolean;
  default_verbosity: string | null;
  apply_patch_tool_type: string | null;
  truncation_policy: { mode: string; limit: number };
  supports_parallel_tool_calls: boolean;
  context_window: number;
  auto_compact_token_limit: number | null;
  effective_context_window_percent: number;
  experimental_supported_tools: string[];
  input_modalities: string[];
}

const LEVEL_TEXT: Record<string, string> = {
  minimal: 'Fastest responses with very little reasoning',
  low: 'Fast responses with lighter reasoning',
  medium: 'Balances speed and reasoning depth',
  high: 'Greater reasoning depth for complex problems',
  xhigh: 'Extra high reasoning depth for the hardest problems',
};

function levels(...efforts: string[]): ModelInfo['supported_reasoning_levels'] {
  return efforts.map((effort) => ({ effort, description: LEVEL_TEXT[effort] ?? effort }));
}

function model(slug: string, priority: number, over: Partial<ModelInfo>): ModelInfo {
  return {
    slug,
    display_name: slug,
    description: `${slug} (emulated)`,
    default_reasoning_level: 'medium',
    supported_reasoning_levels: levels('low', 'medium', 'high'),
    shell_type: 'shell_command',
    visibility: 'list',
    minimal_client_version: '0.1.0',
    supported_in_api: true,
    priority,
    upgrade: null,
    base_instructions: 'You are Codex, a coding agent.',
    supports_reasoning_summaries: true,
    support_verbosity: false,
    default_verbosity: null,
    apply_patch_tool_type: 'freeform',
    truncation_policy: { mode: 'tokens', limit: 10000 },
    supports_parallel_tool_calls: true,
    context_window: 272000,
    auto_compact_token_limit: null,
    effective_context_window_percent: 95,
    experimental_supported_tools: [],
    input_modalities: ['text', 'image'],
    ...over,
  };
}

export const CATALOGUE: readonly ModelInfo[] = [
  model('gpt-5.3-codex', 0, {
    supported_reasoning_levels: levels('low', 'medium', 'high', 'xhigh'),
    minimal_client_version: '0.98.0',
  }),
  model('gpt-5.2-codex', 1, { supported_reasoning_levels: levels('low', 'medium', 'high', 'xhigh') }),
  model('gpt-5-codex', 2, { upgrade: 'gpt-5.3-codex' }),
  model('gpt-5.1-codex-mini', 3, {
    supported_reasoning_levels: levels('medium', 'high'),
    context_window: 128000,
  }),
  model('gpt-5.2', 4, {
    supported_reasoning_levels: levels('none', 'low', 'medium', 'high', 'xhigh'),
    support_verbosity: true,
    default_verbosity: 'low',
    apply_patch_tool_type: null,
    shell_type: 'default',
    experimental_supported_tools: ['web_search'],
  }),
  model('codex-auto-review', 9, { visibility: 'hide', description: 'Internal review model (hidden)' }),
];

export const ALL_MODEL_SLUGS: readonly string[] = CATALOGUE.map((m) => m.slug);

const BY_SLUG = new Map(CATALOGUE.map((m) => [m.slug, m]));

export function findModel(slug: string): ModelInfo | undefined {
  return BY_SLUG.get(slug);
}

/** Models this plan may use that the given client version is new enough for. */
export function catalogueFor(planModels: readonly string[], clientVersion: string): ModelInfo[] {
  const allowed = new Set(planModels);
  return CATALOGUE.filter((m) => allowed.has(m.slug) && compareVersions(clientVersion, m.minimal_client_version) >= 0);
}

/** Numeric dotted-version comparison; non-numeric parts count as 0. */
export function compareVersions(a: string, b: string): number {
  const pa = a.split('.').map((p) => parseInt(p, 10) || 0);
  const pb = b.split('.').map((p) => parseInt(p, 10) || 0);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

const planEtags = new Map<string, string>();

/** Catalogue version for a plan's model list (sent as `ETag` and `x-models-etag`). */
export function planEtag(planModels: readonly string[]): string {
  const key = planModels.join(',');
  let etag = planEtags.get(key);
  if (!etag) {
    etag = `W/"${createHash('sha1').update(key).digest('hex').slice(0, 16)}"`;
    planEtags.set(key, etag);
  }
  return etag;
}
