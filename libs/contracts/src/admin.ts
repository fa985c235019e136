export interface HealthResponse {
  ok: boolean;
  version: string;
  uptimeSeconds: number;
  accounts: { total: number; usable: number };
}

export interface ConfigResponse {
  ok: true;
  version: string;
  oauthRedirectUri: string;
  clientKeysRequired: boolean;
  storage: {
    dataDir: string;
    accountsPath: string;
    oauthStatePath: string;
    tracePath: string;
    traceStatsHistoryPath: string;
    traceIncludeBody: boolean;
    traceRetentionMax: number;
  };
}

export interface ModelView {
  id: string;
  displayName?: string;
  visibility?: string;
  contextWindow?: number | null;
  reasoningEfforts?: string[];
  accountIds: string[];
}

export interface ModelsAdminResponse {
  models: ModelView[];
  fetchedAt: number | null;
  source: 'upstream' | 'fallback';
}

export interface SessionStatusResponse {
  authenticated: boolean;
}

/** A client key for /v1 as the admin API shows it: the key itself only once, at creation. */
export interface ApiKeyView {
  id: string;
  name: string;
  enabled: boolean;
  prefix: string; // the first characters, to recognise a key
  createdAt: number;
  lastUsedAt?: number;
  allowedModels?: string[];
  rpmLimit?: number;
  source: 'admin' | 'env';
}

export interface ApiKeysResponse {
  keys: ApiKeyView[];
}

export interface ApiKeyCreatedResponse {
  ok: true;
  key: ApiKeyView;
  secret: string; // shown once
}

export interface CreateApiKeyRequest {
  name: string;
  allowedModels?: string[];
  rpmLimit?: number;
}

export interface PatchApiKeyRequest {
  name?: string;
  enabled?: boolean;
  allowedModels?: string[];
  rpmLimit?: number | null;
}
