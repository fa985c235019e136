import { MODEL_OWNER } from './constants';
import { isRecord, nonEmptyString } from './json';
import type { CatalogueHints } from './normalize';

/** One upstream catalogue entry (PROTOCOL.md §9.1); unknown fields are kept as they are. */
export interface NativeModelInfo {
  slug: string;
  display_name?: string;
  description?: string;
  default_reasoning_level?: string;
  supported_reasoning_levels?: ({ effort: string; description?: string } | string)[];
  visibility?: string;
  support_verbosity?: boolean;
  apply_patch_tool_type?: string | null;
  context_window?: number | null;
  max_output_tokens?: number | null;
  experimental_supported_tools?: unknown[];
  input_modalities?: string[];
  [key: string]: unknown;
}

export interface OpenAiModelMetadata {
  context_window: number | null;
  max_output_tokens: number | null;
  supports_reasoning: boolean;
  supports_tools: boolean;
  supported_tool_types: string[];
  display_name: string;
  default_reasoning_effort: string | null;
  reasoning_efforts: string[];
  input_modalities: string[] | null;
  [key: string]: unknown;
}

/** An entry of `GET /v1/models` (§9.3). */
export interface OpenAiModel {
  id: string;
  object: 'model';
  created: number;
  owned_by: string;
  metadata: OpenAiModelMetadata;
}

export interface ModelList {
  object: 'list';
  data: OpenAiModel[];
  models: NativeModelInfo[];
}

/** `{models:[…]}` from the catalogue endpoint → entries with a slug; anything else is skipped. */
export function parseModelCatalogue(body: unknown): NativeModelInfo[] {
  const models = isRecord(body) && Array.isArray(body['models']) ? body['models'] : [];
  return models.filter((m): m is NativeModelInfo => isRecord(m) && nonEmptyString(m['slug']) !== undefined);
}

/** Effort names of `supported_reasoning_levels`, which upstream sends as `{effort, description}` objects. */
export function reasoningLevels(info: Pick<NativeModelInfo, 'supported_reasoning_levels'>): string[] {
  const levels = Array.isArray(info.supported_reasoning_levels) ? info.supported_reasoning_levels : [];
  return levels
    .map((level) => (typeof level === 'string' ? level : isRecord(level) ? level['effort'] : undefined))
    .filter((level): level is string => typeof level === 'string' && level !== '');
}

/** What normalizeResponsesRequest needs to know about a model (§2.2 #10, #11). */
export function catalogueHints(info: NativeModelInfo | undefined): CatalogueHints | undefined {
  if (!info) return undefined;
  return { supportedReasoningLevels: reasoningLevels(info), supportVerbosity: info.support_verbosity === true };
}

/** `hide` / `none` models are left out of /v1/models but still accepted by exact id (§9.2). */
export function isListed(info: Pick<NativeModelInfo, 'visibility'>): boolean {
  return info.visibility !== 'hide' && info.visibility !== 'none';
}

function toolTypes(info: NativeModelInfo): string[] {
  const types = new Set<string>(['function']);
  if (info.apply_patch_tool_type === 'freeform') types.add('custom');
  for (const tool of Array.isArray(info.experimental_supported_tools) ? info.experimental_supported_tools : []) {
    const type = typeof tool === 'string' ? tool : isRecord(tool) ? tool['type'] : undefined;
    if (typeof type === 'string' && type !== '') types.add(type);
  }
  return [...types];
}

function numberOrNull(value: unknown): number | null {
  return typeof value === 'number' && Number.isFinite(value) ? value : null;
}

/** Epoch seconds; accepts a first-seen time in ms (how we store time) or already in seconds. */
function toSeconds(time: number): number {
  return Math.floor(time > 1e11 ? time / 1000 : time);
}

/** One /v1/models entry (§9.3). A bare id (fallback list) gets the metadata we can infer, `null` elsewhere. */
export function toOpenAiModel(info: NativeModelInfo | string, created: number): OpenAiModel {
  const entry: NativeModelInfo = typeof info === 'string' ? { slug: info } : info;
  const levels = reasoningLevels(entry);
  const guessReasoning = /gpt-5|codex/i.test(entry.slug);
  const metadata: OpenAiModelMetadata = {
    context_window: numberOrNull(entry.context_window),
    max_output_tokens: numberOrNull(entry.max_output_tokens),
    supports_reasoning: levels.length > 0 || (entry.supported_reasoning_levels === undefined && guessReasoning),
    supports_tools: true,
    supported_tool_types: toolTypes(entry),
    display_name: nonEmptyString(entry.display_name) ?? entry.slug,
    default_reasoning_effort: nonEmptyString(entry.default_reasoning_level) ?? null,
    reasoning_efforts: levels,
    input_modalities: Array.isArray(entry.input_modalities) ? entry.input_modalities : null,
  };
  if (typeof entry.description === 'string') metadata['description'] = entry.description;
  if (typeof entry.support_verbosity === 'boolean') metadata['supports_verbosity'] = entry.support_verbosity;
  if (typeof entry['supports_parallel_tool_calls'] === 'boolean') {
    metadata['supports_parallel_tool_calls'] = entry['supports_parallel_tool_calls'];
  }
  return { id: entry.slug, object: 'model', created: toSeconds(created), owned_by: MODEL_OWNER, metadata };
}

export interface ModelListInput {
  /** The merged upstream catalogue; empty when discovery has produced nothing. */
  catalogue: NativeModelInfo[];
  /** PROXY_MODELS, used only when the catalogue is empty (§9.2). */
  fallbackIds: string[];
  /** When we first saw a model (epoch ms), so `created` is stable. */
  firstSeen: (id: string) => number;
  /**
   * Accounts that served each catalogue model. A catalogue model mapped to an empty list has no account left and is
   * not listed. The fallback list ignores it (there, empty means any account, §9.2).
   */
  accountIds?: Map<string, string[]>;
}

/** `GET /v1/models` (§9.3): listed models in `data`, the native catalogue verbatim in `models`. */
export function buildModelList(input: ModelListInput): ModelList {
  const servable = (id: string) => input.accountIds?.get(id)?.length !== 0;
  if (input.catalogue.length === 0) {
    const data = input.fallbackIds.map((id) => toOpenAiModel(id, input.firstSeen(id)));
    return { object: 'list', data, models: [] };
  }
  const data = input.catalogue
    .filter((info) => isListed(info) && servable(info.slug))
    .map((info) => toOpenAiModel(info, input.firstSeen(info.slug)));
  return { object: 'list', data, models: input.catalogue };
}
