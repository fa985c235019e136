import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { AppConfig, Clock } from '@mcp/config';
import { ORIGINATOR } from '@mcp/codex';
import type {
  OAuthCompleteResponse,
  OAuthDevicePollResponse,
  OAuthStartRequest,
  OAuthStartResponse,
  OAuthStatusResponse,
} from '@mcp/contracts';
import {
  AccountNotFoundError,
  AccountsService,
  type RefreshedTokens,
  type TokenInput,
  UsageProbeService,
  toAccountView,
} from '@mcp/accounts';
import { FlowClosedError, FlowExpiredError, FlowNotFoundError, OAuthInputError, OAuthUpstreamError } from './errors';
import { type OAuthFlow, finishFlow, tidyFlows, toFlowView } from './flow';
import { FlowRepository } from './flow.repository';
import { OAuthClient } from './oauth-client';
import { createPkce } from './pkce';
import { parseRedirectInput } from './redirect-input';

const SLOW_DOWN_STEP_S = 5;

/** Onboarding by browser login with a pasted redirect (PKCE) or by device code (PROTOCOL §8). */
@Injectable()
export class OAuthService implements OnModuleInit {
  private readonly logger = new Logger('OAuth');
  private flows: OAuthFlow[] = [];
  /** Completions and device polls in progress, so one flow is never exchanged twice. */
  private readonly busy = new Map<string, Promise<unknown>>();

  constructor(
    private readonly repository: FlowRepository,
    private readonly client: OAuthClient,
    private readonly accounts: AccountsService,
    private readonly probes: UsageProbeService,
    private readonly config: AppConfig,
    private readonly clock: Clock,
  ) {}

  async onModuleInit(): Promise<void> {
    this.flows = await this.repository.load();
    await this.tidy();
  }

  async start(request: OAuthStartRequest): Promise<OAuthStartResponse> {
    if (request.accountId !== undefined) this.accounts.require(request.accountId);
    await this.reread();
    await this.tidy();
    const now = this.clock.now();
    const base = { id: randomUUID(), status: 'pending' as const, createdAt: now };
    const hints: Pick<OAuthFlow, 'email' | 'targetAccountId'> = {};
    if (request.email) hints.email = request.email;
    if (request.accountId) hints.targetAccountId = request.accountId;
    if (request.method === 'device') {
      const device = await this.client.requestDeviceCode();
      const flow: OAuthFlow = { ...base, ...hints, method: 'device', ...device };
      await this.store(flow);
      const { userCode, verificationUrl, intervalSeconds, expiresAt } = device;
      return { ok: true, flowId: flow.id, method: 'device', userCode, verificationUrl, intervalSeconds, expiresAt };
    }
    const pkce = createPkce();
    const flow: OAuthFlow = {
      ...base,
      ...hints,
      method: 'browser',
      codeVerifier: pkce.verifier,
      expiresAt: now + this.config.oauthFlowTtlMs,
    };
    await this.store(flow);
    return {
      ok: true,
      flowId: flow.id,
      method: 'browser',
      authorizeUrl: this.authorizeUrl(flow.id, pkce.challenge, request.email),
      expectedRedirectUri: this.config.oauthRedirectUri,
      expiresAt: flow.expiresAt,
    };
  }

  async status(flowId: string): Promise<OAuthStatusResponse> {
    await this.reread();
    await this.tidy();
    return { ok: true, flow: toFlowView(this.find(flowId)) };
  }

  /** Exchanges the code found in whatever the person pasted (§8.1 step 4). */
  async complete(flowId: string, input: string): Promise<OAuthCompleteResponse> {
    await this.reread();
    await this.tidy();
    const flow = this.find(flowId);
    if (flow.method !== 'browser') {
      throw new OAuthInputError('This is a device-code login: it completes by polling, not by pasting a URL');
    }
    this.assertOpen(flow);
    const pasted = parseRedirectInput(input);
    if (pasted.state !== undefined && pasted.state !== flow.id) {
      throw new OAuthInputError(
        'state mismatch: the pasted URL belongs to a different login attempt. Paste the URL from the login you opened with this flow, or start a new one',
      );
    }
    if (pasted.error === 'access_denied') {
      throw new OAuthInputError(
        'The sign-in was cancelled or access was denied at OpenAI (error=access_denied). Open the login link again and approve access',
      );
    }
    if (pasted.error !== undefined) {
      throw new OAuthInputError(
        `The sign-in failed at OpenAI (error=${pasted.error}${pasted.errorDescription ? `: ${pasted.errorDescription}` : ''})`,
      );
    }
    if (pasted.code === undefined) {
      throw new OAuthInputError(
        `No authorization code found in the pasted text. Paste the whole URL from the browser's address bar after signing in (it starts with ${this.config.oauthRedirectUri}?code=)`,
      );
    }
    const code = pasted.code;
    return this.exclusive(flow, async () => {
      const tokens = await this.exchange(flow, () =>
        this.client.exchangeCode(code, flow.codeVerifier ?? '', this.config.oauthRedirectUri),
      );
      return this.finish(flow, tokens);
    });
  }

  /** One poll of the device-code flow (§8.6); concurrent polls of one flow share the same answer. */
  async pollDevice(flowId: string): Promise<OAuthDevicePollResponse> {
    await this.reread();
    await this.tidy();
    const flow = this.find(flowId);
    if (flow.method !== 'device')
      throw new OAuthInputError('This is a browser login: complete it by pasting the redirect URL');
    if (flow.status === 'success' && flow.accountId !== undefined) {
      const account = this.accounts.get(flow.accountId);
      if (account) return { ok: true, status: 'success', account: toAccountView(account, this.clock.now()) };
    }
    const running = this.busy.get(flow.id) as Promise<OAuthDevicePollResponse> | undefined;
    if (running) return running;
    this.assertOpen(flow);
    return this.exclusive(flow, () => this.pollOnce(flow));
  }

  private async pollOnce(flow: OAuthFlow): Promise<OAuthDevicePollResponse> {
    const poll = await this.exchange(flow, () => this.client.pollDevice(flow.deviceAuthId ?? '', flow.userCode ?? ''));
    const interval = flow.intervalSeconds ?? SLOW_DOWN_STEP_S;
    switch (poll.kind) {
      case 'pending':
        return { ok: true, status: 'pending', intervalSeconds: interval };
      case 'slow_down':
        flow.intervalSeconds = interval + SLOW_DOWN_STEP_S;
        await this.persist();
        return { ok: true, status: 'pending', intervalSeconds: flow.intervalSeconds };
      case 'expired':
        finishFlow(flow, 'expired', this.clock.now(), 'The device code expired before it was approved');
        await this.persist();
        throw new FlowExpiredError();
      case 'failed':
        await this.fail(flow, `Device login failed (${poll.reason})`);
        throw new OAuthUpstreamError(`Device login failed (${poll.reason})`);
      case 'approved': {
        const tokens = await this.exchange(flow, () =>
          this.client.exchangeCode(poll.code, poll.codeVerifier, this.config.oauthDeviceRedirectUri),
        );
        const done = await this.finish(flow, tokens);
        const reply: OAuthDevicePollResponse = { ok: true, status: 'success', account: done.account };
        if (done.warning) reply.warning = done.warning;
        return reply;
      }
    }
  }

  /** Creates or re-logs the account, closes the flow durably, then probes usage once (§8.3). */
  private async finish(flow: OAuthFlow, tokens: RefreshedTokens): Promise<OAuthCompleteResponse> {
    const input: TokenInput = flow.email ? { ...tokens, emailHint: flow.email } : { ...tokens };
    let result;
    try {
      result = await this.accounts.upsertFromTokens(input, flow.targetAccountId);
    } catch (error) {
      if (!(error instanceof AccountNotFoundError)) throw error;
      // The account being re-logged was deleted meanwhile: the login still deserves an account.
      result = await this.accounts.upsertFromTokens(input);
    }
    flow.accountId = result.account.id;
    finishFlow(flow, 'success', this.clock.now());
    await this.persist();
    this.logger.log(`Login ${flow.id} ${result.created ? 'created' : 'updated'} account ${result.account.id}`);
    try {
      await this.probes.probe(result.account.id);
    } catch (error) {
      this.logger.warn(`Usage probe after login of ${result.account.id} failed: ${(error as Error).message}`);
    }
    const account = this.accounts.get(result.account.id) ?? result.account;
    const reply: OAuthCompleteResponse = { ok: true, account: toAccountView(account, this.clock.now()) };
    if (result.warning) reply.warning = result.warning;
    return reply;
  }

  /** Runs an auth-server call; a refusal or outage ends the flow with its reason (the code is spent). */
  private async exchange<T>(flow: OAuthFlow, call: () => Promise<T>): Promise<T> {
    try {
      return await call();
    } catch (error) {
      if (error instanceof OAuthUpstreamError) await this.fail(flow, error.message);
      throw error;
    }
  }

  private async fail(flow: OAuthFlow, message: string): Promise<void> {
    finishFlow(flow, 'error', this.clock.now(), message);
    await this.persist();
  }

  private exclusive<T>(flow: OAuthFlow, work: () => Promise<T>): Promise<T> {
    if (this.busy.has(flow.id))
      return Promise.reject(new FlowClosedError('This login attempt is already being completed'));
    const running = work().finally(() => this.busy.delete(flow.id));
    this.busy.set(flow.id, running);
    return running;
  }

  private assertOpen(flow: OAuthFlow): void {
    if (flow.status === 'expired' || this.clock.now() > flow.expiresAt) throw new FlowExpiredError();
    if (flow.status === 'success') throw new FlowClosedError('This login attempt was already completed');
    if (flow.status === 'error') {
      throw new FlowClosedError(
        `This login attempt already failed (${flow.error ?? 'unknown error'}): start a new login`,
      );
    }
  }

  private authorizeUrl(state: string, challenge: string, email: string | undefined): string {
    const params: [string, string][] = [
      ['response_type', 'code'],
      ['client_id', this.config.oauthClientId],
      ['redirect_uri', this.config.oauthRedirectUri],
      ['scope', this.config.oauthScope],
      ['state', state],
      ['code_challenge', challenge],
      ['code_challenge_method', 'S256'],
      ['id_token_add_organizations', 'true'],
      ['codex_cli_simplified_flow', 'true'],
      ['originator', ORIGINATOR],
    ];
    if (email) params.push(['login_hint', email]);
    const query = params.map(([key, value]) => `${key}=${encodeURIComponent(value)}`).join('&');
    return `${this.config.oauthAuthorizationUrl}?${query}`;
  }

  private find(flowId: string): OAuthFlow {
    const flow = this.flows.find((candidate) => candidate.id === flowId);
    if (!flow) throw new FlowNotFoundError(flowId);
    return flow;
  }

  /** A flow may have been started or finished on another replica; a flow being completed here stays as it is. */
  private async reread(): Promise<void> {
    if (!this.repository.shared) return;
    const stored = await this.repository.load();
    this.flows = stored.map((flow) => this.flows.find((held) => held.id === flow.id && this.busy.has(held.id)) ?? flow);
  }

  private async store(flow: OAuthFlow): Promise<void> {
    this.flows.unshift(flow);
    await this.tidy(true);
  }

  private async tidy(force = false): Promise<void> {
    const { flows, changed } = tidyFlows(this.flows, this.clock.now());
    this.flows = flows;
    if (changed || force) await this.persist();
  }

  private persist(): Promise<void> {
    return this.repository.save(this.flows);
  }
}
