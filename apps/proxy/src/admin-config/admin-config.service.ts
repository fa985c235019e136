import { Injectable } from '@nestjs/common';
import type { ConfigResponse } from '@mcp/contracts';
import { AppConfig } from '@mcp/config';
import { ApiKeysService } from '@mcp/client-keys';

/** What the dashboard needs to know about this deployment: never a secret, only paths and switches. */
@Injectable()
export class AdminConfigService {
  constructor(
    private readonly config: AppConfig,
    private readonly keys: ApiKeysService,
  ) {}

  describe(): ConfigResponse {
    const c = this.config;
    return {
      ok: true,
      version: c.version,
      oauthRedirectUri: c.oauthRedirectUri,
      clientKeysRequired: this.keys.required,
      storage: {
        dataDir: c.dataDir,
        accountsPath: c.storePath,
        oauthStatePath: c.oauthStatePath,
        tracePath: c.traceFilePath,
        traceStatsHistoryPath: c.traceStatsHistoryPath,
        traceIncludeBody: c.traceIncludeBody,
        traceRetentionMax: c.traceRetentionMax,
      },
    };
  }
}
