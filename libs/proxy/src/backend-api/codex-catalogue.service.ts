import { createHash } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { AccountsService, ModelCatalogService } from '@mcp/accounts';
import type { NativeModelInfo } from '@mcp/codex';

/** `GET /backend-api/codex/models`: the upstream's own catalogue shape (§9.1, §13.2). */
export interface CodexCatalogue {
  models: NativeModelInfo[];
}

export interface CodexCatalogueAnswer {
  body: CodexCatalogue;
  etag: string;
}

/**
 * The catalogue exactly as discovery got it from upstream, for Codex's strict parser (one malformed entry makes it
 * reject them all): no entry is ever synthesised. Models are listed when some enabled, signed-in account's
 * catalogue offers them (a quota block does not hide a model: it comes back within hours). With no discovered
 * catalogue (PROXY_MODELS fallback) the list is empty, which Codex reads as "use your built-in metadata".
 */
@Injectable()
export class CodexCatalogueService {
  constructor(
    private readonly catalog: ModelCatalogService,
    private readonly accounts: AccountsService,
  ) {}

  catalogue(): CodexCatalogueAnswer {
    const body: CodexCatalogue = { models: this.servableEntries() };
    const digest = createHash('sha256').update(JSON.stringify(body)).digest('base64url').slice(0, 27);
    return { body, etag: `"${digest}"` };
  }

  private servableEntries(): NativeModelInfo[] {
    if (this.catalog.source !== 'upstream') return [];
    const usable = new Set(
      this.accounts
        .snapshot()
        .filter((account) => account.enabled && !account.state.needsReauth)
        .map((account) => account.id),
    );
    const models = this.catalog.models();
    const servable = models.filter((model) => model.accountIds.some((id) => usable.has(id)));
    // Every account signed out or disabled: the last known catalogue beats an empty picker.
    return (servable.length > 0 ? servable : models).map((model) => model.info);
  }
}
