import {
  betaFeaturesHeader,
  catalogueHints,
  isCompactionRequest,
  chatToResponsesRequest,
  isRecord,
  normalizeResponsesRequest,
  type CatalogueHints,
  type HeaderSource,
  type NativeModelInfo,
  type SourceText,
} from '@mcp/codex';
import type { UpstreamPlan } from '../attempts/attempt-types';
import type { ItemReferences } from '../references/item-references';

export interface PrepareOptions {
  headers: HeaderSource;
  /** The catalogue entry of a model, for effort clamping and verbosity (§2.2 #10, #11). */
  modelInfo: (model: string) => NativeModelInfo | undefined;
  clientKeyId?: string | null;
  /** Expands `item_reference` inputs of `/v1/responses`; absent, they reach normalisation (and upstream) as sent. */
  references?: ItemReferences;
  /** The text the client's body was parsed from (native Responses): what normalisation leaves alone is sent as is. */
  source?: SourceText;
}

/** A client request turned into what every attempt sends, plus how to answer the client. */
export interface PreparedRequest {
  plan: UpstreamPlan;
  stream: boolean;
  /** Chat `stream_options.include_usage` (§5.6). */
  includeUsage: boolean;
  droppedParams: string[];
  /** Set on native Responses requests: whose items the answer's output becomes (see ItemReferences). */
  referenceScope?: string;
  /** How many `item_reference` inputs were expanded. */
  expandedReferences?: number;
}

/** The client's `stream` flag as far as it can be read from any body (for the trace, even of a rejected request). */
export function wantsStream(body: unknown): boolean {
  return isRecord(body) && body['stream'] === true;
}

function storeOff(body: unknown): boolean {
  return isRecord(body) && body['store'] === false;
}

/** The model string as the client sent it, or null. */
export function clientModelOf(body: unknown): string | null {
  return isRecord(body) && typeof body['model'] === 'string' ? body['model'] : null;
}

function hintsFor(options: PrepareOptions): (model: string) => CatalogueHints | undefined {
  return (model) => catalogueHints(options.modelInfo(model));
}

/** `POST /v1/responses` and `/v1/responses/compact` (§2.2, §2.5, §5.7). Throws ClientRequestError. */
export function prepareResponses(clientBody: unknown, compact: boolean, options: PrepareOptions): PreparedRequest {
  const scope = options.clientKeyId ?? '';
  const { body, expanded } = options.references?.expand(scope, clientBody) ?? { body: clientBody, expanded: 0 };
  const normalized = normalizeResponsesRequest(body, {
    headers: options.headers,
    catalogue: hintsFor(options),
    compact,
    native: true,
  });
  const stream = !compact && wantsStream(body);
  // A compaction answer is one small item that must be checked whole before Codex sees it (§13.3).
  const compaction = !compact && isCompactionRequest(normalized.body);
  const betaFeatures = betaFeaturesHeader(options.headers);
  return {
    plan: {
      clientModel: clientModelOf(body) ?? normalized.upstreamModel,
      upstreamModel: normalized.upstreamModel,
      body: normalized.body,
      ...(options.source ? { source: options.source } : {}),
      sessionKey: normalized.sessionKey,
      compact,
      commitAt: stream && !compaction ? 'first_output' : 'terminal',
      ...(compaction ? { compaction } : {}),
      ...(betaFeatures ? { betaFeatures } : {}),
    },
    stream,
    includeUsage: false,
    droppedParams: normalized.droppedParams,
    // store:false answers are not kept for later item_references (OpenAI refuses references to them too), so Codex
    // CLI's store:false traffic costs the reference memory nothing.
    ...(options.references && !compact && !storeOff(body) ? { referenceScope: scope } : {}),
    ...(expanded > 0 ? { expandedReferences: expanded } : {}),
  };
}

/**
 * `POST /v1/chat/completions` (§5.1, §5.2, then §2.2). A conversation without a session key gets one derived from
 * (client key, model, instructions, first input item), so repeated prefixes stay on one account's prompt cache.
 */
export function prepareChat(body: unknown, options: PrepareOptions): PreparedRequest {
  const translation = chatToResponsesRequest(body);
  return prepareTranslated(translation, options, {
    clientModel: (upstreamModel) => clientModelOf(body) ?? upstreamModel,
    includeUsage: translation.includeUsage,
  });
}

/** What a translated surface (Chat Completions, Anthropic Messages) hands over: a Responses body and what it dropped. */
export interface TranslatedRequest {
  body: Parameters<typeof normalizeResponsesRequest>[0];
  stream: boolean;
  droppedParams: string[];
}

/**
 * A request translated from another API through the §2.2 normalisation every upstream request gets. Without a
 * client's session id, a hash of the conversation's start keeps it on one prompt cache (§2.4).
 */
export function prepareTranslated(
  translation: TranslatedRequest,
  options: PrepareOptions,
  reply: { clientModel: (upstreamModel: string) => string; includeUsage: boolean },
): PreparedRequest {
  const normalized = normalizeResponsesRequest(translation.body, {
    headers: options.headers,
    catalogue: hintsFor(options),
    native: false,
    deriveSessionKey: true,
    clientKeyId: options.clientKeyId ?? null,
  });
  return {
    plan: {
      clientModel: reply.clientModel(normalized.upstreamModel),
      upstreamModel: normalized.upstreamModel,
      body: normalized.body,
      sessionKey: normalized.sessionKey,
      compact: false,
      commitAt: translation.stream ? 'first_output' : 'terminal',
    },
    stream: translation.stream,
    includeUsage: reply.includeUsage,
    droppedParams: [...new Set([...translation.droppedParams, ...normalized.droppedParams])],
  };
}
