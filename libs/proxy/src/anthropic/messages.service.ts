import { Injectable } from '@nestjs/common';
import { ModelCatalogService } from '@mcp/accounts';
import { estimateInputTokens, type NativeModelInfo } from '@mcp/codex';
import type { PrepareOptions } from '../proxy/request-prep';
import type { ProxyRequest } from '../request-context';
import { MessagesSurface, prepareMessages } from './messages-surface';
import { AnthropicModelMapService } from './model-map.service';

/** What the Messages routes need beyond the shared proxy: the model map in force and the token estimate. */
@Injectable()
export class MessagesService {
  constructor(
    private readonly modelMap: AnthropicModelMapService,
    private readonly catalog: ModelCatalogService,
  ) {}

  surface(): MessagesSurface {
    return new MessagesSurface(this.modelMap.map);
  }

  /** `POST /v1/messages/count_tokens`: an estimate of the translated prompt (see estimateInputTokens). */
  countTokens(req: ProxyRequest): { input_tokens: number } {
    const { prepared } = prepareMessages(req.body, this.options(req), this.modelMap.map);
    return { input_tokens: estimateInputTokens({ body: prepared.plan.body }) };
  }

  private options(req: ProxyRequest): PrepareOptions {
    return {
      headers: req.headers,
      modelInfo: (model: string) => this.catalog.find(model)?.info as NativeModelInfo | undefined,
      clientKeyId: req.clientKeyId ?? null,
    };
  }
}
