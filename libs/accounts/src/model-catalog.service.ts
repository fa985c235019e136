import { Injectable, Logger } from '@nestjs/common';
import { AppConfig, Clock } from '@mcp/config';
import {
  HEADERS,
  type ModelListInput,
  type NativeModelInfo,
  UPSTREAM_PATHS,
  isRecord,
  parseModelCatalogue,
} from '@mcp/codex';
import type { ModelsAdminResponse } from '@mcp/contracts';
import type { Account } from './account';
import { AccountsService } from './accounts.service';
import { ChatgptHttp } from './chatgpt-http';
import { mapWithLimit } from './concurrency';
import { UpstreamCallError } from './errors';
import { type CatalogModel, mergeCatalogues, toModelView } from './model-catalog';
import { CatalogueShare, type SharedCatalogue } from './shared-store-ports';
import { TokenService } from './token.service';

const DISCOVERY_CONCURRENCY = 4;
/** The schedule never rediscovers more often than this (nor than MODELS_CACHE_MS). */
const RETRY_AFTER_FAILURE_MS = 60_000;
/** A login answer waits at most this long for the new account's catalogue (the discovery itself goes on). */
const SIGN_IN_WAIT_MS = 5_000;
/** `GET /v1/models` waits at most this long for a discovery under way, or for the first one. */
export const LIST_WAIT_MS = 3_000;

interface AccountCatalogue {
  models: NativeModelInfo[];
  etag?: string;
}

/**
 * The model catalogue (PROTOCOL §9.2): every enabled account's catalogue merged by slug, cached
 * MODELS_CACHE_MS, with PROXY_MODELS as the list while discovery has produced nothing.
 */
@Injectable()
export class ModelCatalogService {
  private readonly logger = new Logger('Models');
  private readonly perAccount = new Map<string, AccountCatalogue>();
  private readonly firstSeenAt = new Map<string, number>();
  private readonly seenEtags = new Set<string>();
  private merged: CatalogModel[] = [];
  private lastSuccessAt: number | null = null;
  private lastAttemptAt: number | null = null;
  private running: Promise<void> | undefined;
  /** Discoveries of single accounts just signed in; they never reject. */
  private readonly pending = new Set<Promise<void>>();

  constructor(
    private readonly accounts: AccountsService,
    private readonly tokens: TokenService,
    private readonly http: ChatgptHttp,
    private readonly config: AppConfig,
    private readonly clock: Clock,
    private readonly share: CatalogueShare,
  ) {
    // A new or re-logged-in account brings its plan's models at once, not at the job's next tick (§9.2).
    accounts.onSignIn((id) => withTimeout(this.track(this.discoverAccount(id)), SIGN_IN_WAIT_MS));
  }

  get source(): 'upstream' | 'fallback' {
    return this.merged.length > 0 ? 'upstream' : 'fallback';
  }

  /** When discovery last produced a catalogue (ms), or null. */
  get fetchedAt(): number | null {
    return this.source === 'upstream' ? this.lastSuccessAt : null;
  }

  models(): CatalogModel[] {
    if (this.merged.length > 0) return this.merged;
    return this.config.proxyModels.map((id) => ({
      id,
      info: { slug: id },
      accountIds: [],
      firstSeenAt: this.firstSeen(id),
    }));
  }

  find(id: string): CatalogModel | undefined {
    return this.models().find((model) => model.id === id);
  }

  /**
   * The accounts that may serve `model`: those whose catalogue lists it, plus signed-in accounts whose
   * catalogue is not known yet (just added). Null when any account may (fallback list, or not listed).
   */
  accountsFor(model: string): string[] | null {
    if (this.source === 'fallback') return null;
    const found = this.find(model);
    if (!found) return null;
    const undiscovered = this.undiscoveredAccounts().filter((id) => !found.accountIds.includes(id));
    return [...found.accountIds, ...undiscovered];
  }

  isKnown(model: string): boolean {
    return this.find(model) !== undefined;
  }

  /** Whether a request for `model` may go upstream: anything while only the fallback list is known (§9.2). */
  allows(model: string): boolean {
    return this.source === 'fallback' || this.isKnown(model);
  }

  /** First time this process saw `id` (ms); stable for the life of the process. */
  firstSeen(id: string): number {
    let at = this.firstSeenAt.get(id);
    if (at === undefined) {
      at = this.clock.now();
      this.firstSeenAt.set(id, at);
    }
    return at;
  }

  /** What @mcp/codex buildModelList needs for GET /v1/models (§9.3). */
  modelListInput(): ModelListInput {
    return {
      catalogue: this.merged.map((model) => model.info),
      fallbackIds: this.config.proxyModels,
      firstSeen: (id) => this.firstSeen(id),
      accountIds: new Map(this.merged.map((model) => [model.id, [...model.accountIds]])),
    };
  }

  adminView(): ModelsAdminResponse {
    return { models: this.models().map(toModelView), fetchedAt: this.fetchedAt, source: this.source };
  }

  /** Rediscovers now (joining a discovery already running). */
  refresh(): Promise<void> {
    this.running ??= this.discover().finally(() => (this.running = undefined));
    return this.running;
  }

  /**
   * Before answering a model list: waits (at most `timeoutMs`) for discoveries under way, and starts the first one
   * when accounts exist but only the fallback list is known, so a client listing models first sees the real ones.
   */
  async settle(timeoutMs = LIST_WAIT_MS): Promise<void> {
    if (this.running === undefined && this.pending.size === 0 && this.firstDiscoveryDue()) {
      this.refresh().catch((error: unknown) => this.logger.warn(`Model discovery failed: ${(error as Error).message}`));
    }
    const underWay = [...this.pending, ...(this.running ? [this.running.catch(() => undefined)] : [])];
    if (underWay.length > 0) await withTimeout(Promise.all(underWay), timeoutMs);
  }

  private firstDiscoveryDue(): boolean {
    if (this.source !== 'fallback' || this.accounts.usableIds().length === 0) return false;
    return this.lastAttemptAt === null || this.clock.now() - this.lastAttemptAt >= RETRY_AFTER_FAILURE_MS;
  }

  private track(work: Promise<void>): Promise<void> {
    this.pending.add(work);
    void work.finally(() => this.pending.delete(work));
    return work;
  }

  /** One account's catalogue, merged into the rest; a failure keeps what was known (§9.2). Never rejects. */
  private async discoverAccount(id: string): Promise<void> {
    const account = this.accounts.get(id);
    if (!account || !account.enabled || account.state.needsReauth) return;
    const now = this.clock.now();
    try {
      // The token the login just stored: a refresh here would spend the refresh token behind the user's back.
      this.perAccount.set(id, await this.fetchCatalogue(account, account.accessToken));
    } catch (error) {
      this.logger.warn(`Model discovery for ${id} failed: ${(error as Error).message}`);
      return;
    }
    this.remerge();
    this.lastSuccessAt ??= now;
    this.share.publish(this.exportState());
  }

  private remerge(): void {
    const catalogues = new Map([...this.perAccount].map(([id, entry]) => [id, entry.models] as const));
    this.merged = mergeCatalogues(catalogues, (id) => this.firstSeen(id));
  }

  /** Scheduled: rediscovers once the cache is older than MODELS_CACHE_MS, or when an account has none yet. */
  async refreshIfStale(): Promise<void> {
    const now = this.clock.now();
    const sinceAttempt = this.lastAttemptAt === null ? Infinity : now - this.lastAttemptAt;
    if (sinceAttempt < Math.min(RETRY_AFTER_FAILURE_MS, this.config.modelsCacheMs)) return;
    const stale = this.lastSuccessAt === null || now - this.lastSuccessAt >= this.config.modelsCacheMs;
    if (!stale && this.undiscoveredAccounts().length === 0) return;
    await this.refresh();
  }

  /** An upstream response carried `x-models-etag`: a version we have not seen means the catalogue changed. */
  noteModelsEtag(etag: string | undefined): void {
    if (!etag || this.seenEtags.has(etag)) return;
    this.seenEtags.add(etag);
    this.refresh().catch((error: unknown) => this.logger.warn(`Model discovery failed: ${(error as Error).message}`));
  }

  /** What discovery learned, for the other replicas (shared store). */
  exportState(): SharedCatalogue {
    return { perAccount: [...this.perAccount], fetchedAt: this.lastSuccessAt };
  }

  /** Adopts what another replica discovered, so this one need not ask upstream itself. */
  importState(state: SharedCatalogue): void {
    this.perAccount.clear();
    for (const [id, entry] of state.perAccount) this.perAccount.set(id, entry);
    const catalogues = new Map([...this.perAccount].map(([id, entry]) => [id, entry.models] as const));
    this.merged = mergeCatalogues(catalogues, (id) => this.firstSeen(id));
    this.lastSuccessAt = state.fetchedAt;
    this.lastAttemptAt = this.clock.now();
  }

  private undiscoveredAccounts(): string[] {
    return this.accounts.usableIds().filter((id) => !this.perAccount.has(id));
  }

  private async discover(): Promise<void> {
    const now = this.clock.now();
    this.lastAttemptAt = now;
    const targets = this.accounts.usable();
    let succeeded = 0;
    await mapWithLimit(targets, DISCOVERY_CONCURRENCY, async (account) => {
      try {
        this.perAccount.set(account.id, await this.fetchCatalogue(account));
        succeeded += 1;
      } catch (error) {
        // Keep this account's previous result (§9.2).
        this.logger.warn(`Model discovery for ${account.id} failed: ${(error as Error).message}`);
      }
    });
    // Pruned now, not before the calls: an account signed in meanwhile keeps what its own discovery found.
    const live = new Set(this.accounts.usableIds());
    for (const id of this.perAccount.keys()) if (!live.has(id)) this.perAccount.delete(id);
    this.remerge();
    if (succeeded > 0) {
      this.lastSuccessAt = now;
      this.share.publish(this.exportState());
    }
  }

  /** With `loginToken`, that token only (no refresh, not even on a 401); else TokenService's, refreshed as needed. */
  private async fetchCatalogue(account: Account, loginToken?: string): Promise<AccountCatalogue> {
    const path = `${UPSTREAM_PATHS.models}?client_version=${encodeURIComponent(this.config.modelsClientVersion)}`;
    const call = (accessToken: string) =>
      this.http.getAsAccount(
        path,
        { accessToken, chatgptAccountId: account.chatgptAccountId },
        {
          timeoutMs: this.config.usageTimeoutMs,
        },
      );
    let token = loginToken ?? (await this.tokens.accessToken(account.id));
    let response = await call(token);
    if (response.status === 401 && loginToken === undefined) {
      token = await this.tokens.refresh(account.id, token);
      response = await call(token);
    }
    if (response.status < 200 || response.status >= 300) {
      throw new UpstreamCallError(`model catalogue answered HTTP ${response.status}`, response.status);
    }
    if (!isRecord(response.body) || !Array.isArray(response.body['models'])) {
      throw new UpstreamCallError('model catalogue answered without a models list', response.status);
    }
    const models = parseModelCatalogue(response.body);
    const etag = headerString(response.headers['etag']) ?? headerString(response.headers[HEADERS.modelsEtag]);
    if (etag) this.seenEtags.add(etag);
    return etag ? { models, etag } : { models };
  }
}

function headerString(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

/** Resolves when `work` does or after `ms`, whichever is first; `work` itself goes on. */
function withTimeout(work: Promise<unknown>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, ms);
    timer.unref();
  });
  return Promise.race([work.then(() => undefined), expired]).finally(() => clearTimeout(timer));
}
