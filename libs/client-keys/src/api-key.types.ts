/** One admin-created client key as stored in `${DATA_DIR}/api-keys.json`: the secret itself is never kept. */
export interface StoredApiKey {
  id: string;
  name: string;
  hash: string; // sha256 hex of the secret
  prefix: string; // the first characters, so an operator can recognise a key
  enabled: boolean;
  createdAt: number;
  lastUsedAt?: number;
  allowedModels?: string[];
  rpmLimit?: number;
}

export interface ApiKeysDocument {
  version: 1;
  keys: StoredApiKey[];
}

/** What a successful verification tells the guard about the presented key. */
export interface KeyMatch {
  id: string;
  name: string;
  source: 'admin' | 'env';
  allowedModels?: string[];
  rpmLimit?: number;
}

export interface NewApiKey {
  name: string;
  allowedModels?: string[] | null;
  rpmLimit?: number | null;
}

/** `null` clears an optional restriction; `undefined` leaves it as is. */
export interface ApiKeyPatch {
  name?: string;
  enabled?: boolean;
  allowedModels?: string[] | null;
  rpmLimit?: number | null;
}
