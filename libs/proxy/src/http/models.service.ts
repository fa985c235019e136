import { Injectable } from '@nestjs/common';
import { ModelCatalogService } from '@mcp/accounts';
import { buildModelList, toOpenAiModel, type ModelList, type NativeModelInfo, type OpenAiModel } from '@mcp/codex';
import { modelNotFound } from '../errors/openai-error';

/**
 * `GET /v1/models` and `GET /v1/models/:id` from the cached catalogue (§9.3). The request itself never calls
 * upstream, but it waits briefly for a discovery under way (an account just signed in), or starts the first one
 * while only the fallback list is known, so the first list a client reads is the real one.
 */
@Injectable()
export class ModelsService {
  constructor(private readonly catalog: ModelCatalogService) {}

  async list(): Promise<ModelList> {
    await this.catalog.settle();
    return this.current();
  }

  /** One model; a hidden catalogue entry is still found by its exact id (§9.2). */
  async get(id: string): Promise<OpenAiModel> {
    await this.catalog.settle();
    const listed = this.current().data.find((model) => model.id === id);
    if (listed) return listed;
    const known = this.catalog.source === 'upstream' ? this.catalog.find(id) : undefined;
    if (known) return toOpenAiModel(known.info as NativeModelInfo, known.firstSeenAt);
    throw modelNotFound(id);
  }

  private current(): ModelList {
    const models = this.catalog.models();
    const firstSeen = (id: string): number => this.catalog.firstSeen(id);
    if (this.catalog.source === 'fallback') {
      return buildModelList({ catalogue: [], fallbackIds: models.map((m) => m.id), firstSeen });
    }
    const accountIds = new Map<string, string[]>();
    for (const model of models) {
      const serving = this.catalog.accountsFor(model.id);
      if (serving !== null) accountIds.set(model.id, serving);
    }
    const catalogue = models.map((m) => m.info as NativeModelInfo);
    return buildModelList({ catalogue, fallbackIds: [], firstSeen, accountIds });
  }
}
