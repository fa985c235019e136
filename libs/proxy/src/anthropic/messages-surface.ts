import type { ServerResponse } from 'node:http';
import {
  AnthropicStreamTranslator,
  STREAM_INTERRUPTED,
  anthropicToResponsesRequest,
  buildAnthropicMessage,
  estimateInputTokens,
  type AnthropicModelMap,
  type AnthropicTranslation,
  type JsonObject,
  type ResponseAccumulator,
} from '@mcp/codex';
import { OpenAiHttpError } from '../errors/openai-error';
import { type PrepareOptions, type PreparedRequest, prepareTranslated } from '../proxy/request-prep';
import type { TranslatedSurface } from '../proxy/translated-surface';
import type { StreamSink } from '../relay/stream-relay';
import { renderAnthropicHttpError } from './anthropic-errors';

/** The Messages request of §14 through the §2.2 normalisation every upstream request gets. */
export function prepareMessages(
  body: unknown,
  options: PrepareOptions,
  modelMap: AnthropicModelMap,
): { prepared: PreparedRequest; translation: AnthropicTranslation } {
  const translation = anthropicToResponsesRequest(body, { modelMap, headers: options.headers });
  const prepared = prepareTranslated(translation, options, {
    clientModel: () => translation.clientModel,
    includeUsage: false,
  });
  return { prepared, translation };
}

/** One `/v1/messages` request's edge: Anthropic in, Responses through the shared loop, Anthropic out. */
export class MessagesSurface implements TranslatedSurface {
  private thinking = false;
  private prepared: PreparedRequest | undefined;
  private contextWindow: number | undefined;

  constructor(private readonly modelMap: AnthropicModelMap) {}

  prepare(body: unknown, options: PrepareOptions): PreparedRequest {
    const { prepared, translation } = prepareMessages(body, options, this.modelMap);
    this.thinking = translation.thinking;
    this.prepared = prepared;
    this.contextWindow = options.modelInfo(prepared.plan.upstreamModel)?.context_window ?? undefined;
    return prepared;
  }

  sink(prepared: PreparedRequest): StreamSink {
    const translator = new AnthropicStreamTranslator({ model: prepared.plan.clientModel, thinking: this.thinking });
    return {
      frames: (event) => translator.push(event.data),
      close: (accumulator) =>
        accumulator.terminal === 'completed' || accumulator.terminal === 'incomplete'
          ? translator.finish(accumulator)
          : translator.fail(accumulator.error ?? { code: STREAM_INTERRUPTED, message: 'The upstream stream failed.' }),
      interrupted: (message) => translator.fail({ code: STREAM_INTERRUPTED, message }),
    };
  }

  aggregate(accumulator: ResponseAccumulator, prepared: PreparedRequest): JsonObject {
    return buildAnthropicMessage(accumulator, { model: prepared.plan.clientModel, thinking: this.thinking });
  }

  renderError(res: ServerResponse, error: OpenAiHttpError, requestId: string): void {
    renderAnthropicHttpError(res, this.promptTooLong(error) ?? error, requestId);
  }

  /**
   * Claude Code compacts the conversation when an error reads "prompt is too long: N tokens > M maximum"; the
   * upstream says it differently, so a context overflow is worded that way (N is our estimate, M the catalogue's).
   */
  private promptTooLong(error: OpenAiHttpError): OpenAiHttpError | undefined {
    if (error.code !== 'context_length_exceeded' || !this.prepared) return undefined;
    const limit = this.contextWindow;
    const estimate = estimateInputTokens({ body: this.prepared.plan.body });
    const counts = limit ? `: ${Math.max(estimate, limit + 1)} tokens > ${limit} maximum` : '';
    const message = `prompt is too long${counts} (upstream: ${error.message})`;
    return new OpenAiHttpError(error.status, message, error.type, { code: error.code, headers: error.headers });
  }
}
