// The Anthropic Messages surface (PROTOCOL.md §14), framework-free.
export { resolveAnthropicModel, DEFAULT_MODEL_KEY, type AnthropicModelMap } from './model-map';
export {
  anthropicErrorFor,
  anthropicErrorType,
  anthropicStreamErrorType,
  renderAnthropicError,
  type AnthropicErrorBody,
  type AnthropicErrorType,
  type GatewayErrorFacts,
  type RenderedAnthropicError,
} from './errors';
export { anthropicToResponsesRequest, type AnthropicRequestOptions, type AnthropicTranslation } from './request';
export { effortForBudget } from './thinking';
export {
  anthropicMessageId,
  anthropicStopReason,
  anthropicUsage,
  buildAnthropicMessage,
  type AnthropicMessageOptions,
  type AnthropicStopReason,
  type AnthropicUsage,
} from './response';
export { AnthropicStreamTranslator, type AnthropicStreamOptions } from './stream';
export { estimateInputTokens } from './count-tokens';
