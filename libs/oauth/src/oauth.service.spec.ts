import { Test } from '@nestjs/testing';
import { AppConfig, Clock } from '@mcp/config';
import { AccountRepository, AccountsService, type RefreshedTokens, UsageProbeService } from '@mcp/accounts';
import {
  type DeviceCode,
  type DevicePoll,
  FlowClosedError,
  FlowExpiredError,
  FlowNotFoundError,
  FlowRepository,
  OAuthClient,
  OAuthInputError,
  OAuthService,
} from '@mcp/oauth';
import { FAKE_CLOCK_START, FakeClock, disposeTestConfig, makeJwt, testConfig } from '@mcp/testing';
import { InMemoryAccountRepository, InMemoryFlowRepository } from '@mcp/testing/fakes';

const AUTH_CLAIMS = { 'https://api.openai.com/auth': { chatgpt_account_id: 'ws-1', chatgpt_user_id: 'u-1' } };

/** A hand-written auth server: hands out tokens for a code and scripted device poll answers. */
class FakeOAuthClient {
  exchanged: { code: string; verifier: string; redirectUri: string }[] = [];
  polls: DevicePoll[] = [];

  async exchangeCode(code: string, verifier: string, redirectUri: string): Promise<RefreshedTokens> {
    this.exchanged.push({ code, verifier, redirectUri });
    return {
      accessToken: makeJwt({ ...AUTH_CLAIMS, jti: code }),
      idToken: makeJwt({ ...AUTH_CLAIMS, email: 'dev@example.com' }),
      refreshToken: `rt-${code}`,
    };
  }

  async requestDeviceCode(): Promise<DeviceCode> {
    return {
      deviceAuthId: 'deviceauth_1',
      userCode: 'ABCD-1234',
      intervalSeconds: 5,
      expiresAt: FAKE_CLOCK_START + 900_000,
      verificationUrl: 'https://auth.test/device',
    };
  }

  async pollDevice(): Promise<DevicePoll> {
    return this.polls.shift() ?? { kind: 'pending' };
  }
}

describe('OAuthService', () => {
  let clock: FakeClock;
  let client: FakeOAuthClient;
  let flows: InMemoryFlowRepository;
  let oauth: OAuthService;
  let config: AppConfig;
  let close: () => Promise<void>;
  let probed: string[];

  beforeEach(async () => {
    config = testConfig({ OAUTH_FLOW_TTL_MS: '900000' });
    clock = new FakeClock();
    client = new FakeOAuthClient();
    flows = new InMemoryFlowRepository();
    probed = [];
    const probes = { probe: async (id: string) => void probed.push(id) };
    const moduleRef = await Test.createTestingModule({
      providers: [
        OAuthService,
        AccountsService,
        { provide: UsageProbeService, useValue: probes },
        { provide: OAuthClient, useValue: client },
        { provide: FlowRepository, useValue: flows },
        { provide: AccountRepository, useValue: new InMemoryAccountRepository() },
        { provide: AppConfig, useValue: config },
        { provide: Clock, useValue: clock },
      ],
    }).compile();
    await moduleRef.init();
    oauth = moduleRef.get(OAuthService);
    close = async () => {
      await moduleRef.close();
      disposeTestConfig(config);
    };
  });

  afterEach(() => close());

  async function startBrowser(): Promise<{ flowId: string; authorizeUrl: string }> {
    const started = await oauth.start({ email: 'dev@example.com' });
    if (started.method !== 'browser') throw new Error('expected a browser flow');
    return started;
  }

  it('builds the authorize URL with every parameter of §8.1 and stores the flow', async () => {
    const { flowId, authorizeUrl } = await startBrowser();
    const url = new URL(authorizeUrl);
    expect(`${url.origin}${url.pathname}`).toBe(config.oauthAuthorizationUrl);
    expect(Object.fromEntries(url.searchParams)).toEqual({
      response_type: 'code',
      client_id: config.oauthClientId,
      redirect_uri: 'http://localhost:1455/auth/callback',
      scope: 'openid profile email offline_access',
      state: flowId,
      code_challenge: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/),
      code_challenge_method: 'S256',
      id_token_add_organizations: 'true',
      codex_cli_simplified_flow: 'true',
      originator: 'codex_cli_rs',
      login_hint: 'dev@example.com',
    });
    expect(authorizeUrl).toContain('scope=openid%20profile%20email%20offline_access');
    expect(flows.snapshot()[0]).toMatchObject({ id: flowId, status: 'pending', expiresAt: FAKE_CLOCK_START + 900_000 });
  });

  it('refuses an expired flow with 410 and marks it expired', async () => {
    const { flowId } = await startBrowser();
    clock.advance(900_001);
    await expect(oauth.complete(flowId, `code=ac_1&state=${flowId}`)).rejects.toBeInstanceOf(FlowExpiredError);
    expect((await oauth.status(flowId)).flow.status).toBe('expired');
    expect(client.exchanged).toHaveLength(0);
  });

  it('keeps the flow open after a pasting mistake, then completes it once', async () => {
    const { flowId } = await startBrowser();
    await expect(oauth.complete(flowId, 'http://localhost:1455/auth/callback')).rejects.toBeInstanceOf(OAuthInputError);
    await expect(oauth.complete(flowId, `code=ac_1&state=other-attempt`)).rejects.toThrow(/state mismatch/);

    const done = await oauth.complete(flowId, `code=ac_1&state=${flowId}`);
    expect(done.account.email).toBe('dev@example.com');
    expect(probed).toEqual([done.account.id]);
    expect(client.exchanged[0]?.redirectUri).toBe('http://localhost:1455/auth/callback');
    expect(flows.snapshot()[0]).toMatchObject({ status: 'success', accountId: done.account.id });
    expect(flows.snapshot()[0]?.codeVerifier).toBeUndefined();

    await expect(oauth.complete(flowId, `code=ac_1&state=${flowId}`)).rejects.toBeInstanceOf(FlowClosedError);
    await expect(oauth.complete('no-such-flow', 'code=x')).rejects.toBeInstanceOf(FlowNotFoundError);
  });

  it('slows device polling down when asked and succeeds once approved', async () => {
    const started = await oauth.start({ method: 'device' });
    client.polls.push({ kind: 'slow_down' }, { kind: 'approved', code: 'ac_dev', codeVerifier: 'device-verifier' });

    await expect(oauth.pollDevice(started.flowId)).resolves.toEqual({
      ok: true,
      status: 'pending',
      intervalSeconds: 10,
    });
    const done = await oauth.pollDevice(started.flowId);
    expect(done.status).toBe('success');
    expect(client.exchanged[0]).toEqual({
      code: 'ac_dev',
      verifier: 'device-verifier',
      redirectUri: config.oauthDeviceRedirectUri,
    });
    await expect(oauth.pollDevice(started.flowId)).resolves.toMatchObject({ status: 'success' });
    expect(client.exchanged).toHaveLength(1);
  });

  it('expires a device flow whose code ran out', async () => {
    const started = await oauth.start({ method: 'device' });
    clock.advance(900_001);
    await expect(oauth.pollDevice(started.flowId)).rejects.toBeInstanceOf(FlowExpiredError);
  });
});
