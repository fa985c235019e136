import { Injectable } from '@nestjs/common';
import { AppConfig } from '@mcp/config';
import { JsonDocumentStore } from '@mcp/storage';
import type { OAuthFlow } from './flow';

/** Port: where login attempts survive a restart (a person may paste the URL after a redeploy). */
export abstract class FlowRepository {
  /** Other replicas write the same store (STORAGE=postgres): OAuthService re-reads it before each operation. */
  readonly shared: boolean = false;
  abstract load(): Promise<OAuthFlow[]>;
  abstract save(flows: OAuthFlow[]): Promise<void>;
}

export interface OAuthStateDocument {
  version: 1;
  flows: OAuthFlow[];
}

/** oauth-state.json at OAUTH_STATE_PATH, written atomically with mode 0600 (it holds PKCE verifiers). */
@Injectable()
export class FileFlowRepository extends FlowRepository {
  private readonly store: JsonDocumentStore<OAuthStateDocument>;

  constructor(private readonly config: AppConfig) {
    super();
    this.store = new JsonDocumentStore<OAuthStateDocument>(config.oauthStatePath);
  }

  override async load(): Promise<OAuthFlow[]> {
    const doc = await this.store.read();
    if (doc === undefined) return [];
    if (doc.version !== 1 || !Array.isArray(doc.flows)) {
      throw new Error(
        `${this.config.oauthStatePath} is not an OAuth state document ({version:1, flows:[…]}); left untouched`,
      );
    }
    return doc.flows;
  }

  override async save(flows: OAuthFlow[]): Promise<void> {
    await this.store.write({ version: 1, flows });
  }
}
