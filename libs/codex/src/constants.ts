// Every upstream magic string lives here (PROTOCOL.md conventions): they are observed, not published, and drift.

/** Paths on CHATGPT_BASE_URL (§1.1). The inference and compact paths are defaults the config may override. */
export const UPSTREAM_PATHS = {
  responses: '/backend-api/codex/responses',
  compact: '/backend-api/codex/responses/compact',
  models: '/backend-api/codex/models',
  usage: '/backend-api/wham/usage',
} as const;

/** Header names we send or read, exactly as upstream spells them (§2.1, §4.3). */
export const HEADERS = {
  authorization: 'authorization',
  accountId: 'chatgpt-account-id',
  contentType: 'content-type',
  accept: 'accept',
  openaiBeta: 'OpenAI-Beta',
  originator: 'originator',
  userAgent: 'User-Agent',
  version: 'version',
  sessionId: 'session_id',
  retryAfter: 'retry-after',
  requestId: 'x-request-id',
  oaiRequestId: 'x-oai-request-id',
  cfRay: 'cf-ray',
  modelsEtag: 'x-models-etag',
  activeLimit: 'x-codex-active-limit',
  planType: 'x-codex-plan-type',
} as const;

export const OPENAI_BETA_VALUE = 'responses=experimental';
export const ORIGINATOR = 'codex_cli_rs';
export const JSON_CONTENT_TYPE = 'application/json';
export const SSE_CONTENT_TYPE = 'text/event-stream';

/** Request headers that may carry a session key, in precedence order after the body's prompt_cache_key (§2.4). */
export const SESSION_HEADER_NAMES = [
  'session_id',
  'session-id',
  'x-session-id',
  'conversation_id',
  // Codex over WebSocket (§2.4).
  'thread-id',
  // Claude Code's, on whichever route it calls (§2.4, §14).
  'x-claude-code-session-id',
] as const;

/** Upstream rejects a missing or blank `instructions` (§2.2 #3). */
export const DEFAULT_INSTRUCTIONS = 'You are a helpful assistant.';

/** The only way reasoning survives between turns with store:false (§2.2 #6). */
export const ENCRYPTED_REASONING_INCLUDE = 'reasoning.encrypted_content';

/** The Codex CLI identity some model families require; the three values must agree (§2.1). */
export function codexIdentityHeaders(clientVersion: string): Record<string, string> {
  return {
    [HEADERS.openaiBeta]: OPENAI_BETA_VALUE,
    [HEADERS.originator]: ORIGINATOR,
    [HEADERS.userAgent]: `${ORIGINATOR}/${clientVersion}`,
    [HEADERS.version]: clientVersion,
  };
}

/** JWT claim namespaces (§8.4). */
export const JWT_AUTH_CLAIM = 'https://api.openai.com/auth';
export const JWT_PROFILE_CLAIM = 'https://api.openai.com/profile';

/** x-codex-* quota headers (§4.3). A per-model family uses `x-<family>-` with the same suffixes. */
export const CODEX_HEADER_PREFIX = 'x-codex-';
export const DEFAULT_LIMIT_FAMILY = 'codex';
/** The header prefix of a per-model limit family named by x-codex-active-limit. */
export function limitFamilyHeaderPrefix(family: string): string {
  return `x-${family}-`;
}
export const QUOTA_WINDOW_POSITIONS = ['primary', 'secondary'] as const;
/** Suffixes after `<prefix><position>-`. */
export const QUOTA_WINDOW_HEADERS = {
  usedPercent: 'used-percent',
  windowMinutes: 'window-minutes',
  resetAt: 'reset-at',
  resetAfterSeconds: 'reset-after-seconds',
} as const;
/** Suffixes after `x-codex-`. */
export const QUOTA_ACCOUNT_HEADERS = {
  planType: 'plan-type',
  activeLimit: 'active-limit',
  creditsHasCredits: 'credits-has-credits',
  creditsUnlimited: 'credits-unlimited',
  creditsBalance: 'credits-balance',
} as const;

/** Window lengths that identify a window, never its position (§4.3, §6). */
export const FIVE_HOUR_SECONDS = 18_000;
export const WEEKLY_SECONDS = 604_800;

/** Reasoning effort values upstream knows, from lowest to highest (§2.3). */
export const EFFORT_LEVELS = ['none', 'minimal', 'low', 'medium', 'high', 'xhigh'] as const;
export type EffortLevel = (typeof EFFORT_LEVELS)[number];

/** Upstream error codes / types that drive classification (§3.6, §4.2). */
export const UPSTREAM_CODES = {
  usageLimitReached: 'usage_limit_reached',
  insufficientQuota: 'insufficient_quota',
  usageNotIncluded: 'usage_not_included',
  rateLimitExceeded: 'rate_limit_exceeded',
  contextLengthExceeded: 'context_length_exceeded',
  invalidPrompt: 'invalid_prompt',
  invalidRequest: 'invalid_request_error',
  modelNotFound: 'model_not_found',
  serverError: 'server_error',
  overloaded: 'server_is_overloaded',
  slowDown: 'slow_down',
} as const;

/** Upstream Responses SSE event types we act on (§3.2). */
export const EVENTS = {
  created: 'response.created',
  inProgress: 'response.in_progress',
  itemAdded: 'response.output_item.added',
  itemDone: 'response.output_item.done',
  contentPartAdded: 'response.content_part.added',
  textDelta: 'response.output_text.delta',
  textDone: 'response.output_text.done',
  annotationAdded: 'response.output_text.annotation.added',
  refusalDelta: 'response.refusal.delta',
  refusalDone: 'response.refusal.done',
  argsDelta: 'response.function_call_arguments.delta',
  argsDone: 'response.function_call_arguments.done',
  customInputDelta: 'response.custom_tool_call_input.delta',
  customInputDone: 'response.custom_tool_call_input.done',
  completed: 'response.completed',
  incomplete: 'response.incomplete',
  failed: 'response.failed',
  error: 'error',
  rateLimits: 'codex.rate_limits',
} as const;

/** `owned_by` of every model we list (§9.3). */
export const MODEL_OWNER = 'multicodex-proxy';

/** In-stream error code for a truncated or timed-out stream (§12.3). */
export const STREAM_INTERRUPTED = 'stream_interrupted';
export const KEEPALIVE_COMMENT = 'keepalive';
export const DONE_SENTINEL = '[DONE]';
