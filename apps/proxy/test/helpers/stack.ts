import type { NestExpressApplication } from '@nestjs/platform-express';
import type { AddressInfo } from 'node:net';
import { AccountsService, ModelCatalogService, UsageProbeService } from '@mcp/accounts';
import type { AppConfig } from '@mcp/config';
import { FakeClock, TEST_ADMIN_TOKEN, disposeTestConfig, testConfig } from '@mcp/testing';
import { FakeChatgpt, type StartOptions } from '../../../fake-chatgpt/src';
import { createApp } from '../../src/bootstrap';

export interface StackAccount {
  /** The emulator's id (`fa_1`), for inject() and counters(). */
  fakeId: string;
  /** The proxy's account id (`acc_…`), as traces and routing report it. */
  id: string;
  email: string;
}

export interface StackOptions {
  accounts?: number;
  /** Extra environment for the proxy's config (e.g. `{ UPSTREAM_TRANSIENT_RETRIES: '0' }`). */
  env?: Record<string, string>;
  /** Emulator behaviour switches. */
  fake?: Omit<StartOptions, 'port' | 'host'>;
  /** Run model discovery once the accounts exist (default true), so unknown models are refused. */
  discoverModels?: boolean;
  /** One fake clock for the gateway and the emulator, so quota windows and blocks can be aged together. */
  clock?: FakeClock;
}

export interface Stack {
  baseUrl: string;
  fake: FakeChatgpt;
  app: NestExpressApplication;
  config: AppConfig;
  adminToken: string;
  accounts: StackAccount[];
  /** The proxy account id for an emulator id. */
  accountFor(fakeId: string): StackAccount;
  /**
   * Back to a clean slate between tests: no faults, full quota, no blocks, fresh logins. Routing then tries
   * `user1` first (lowest priority number), `user2` next, and so on.
   */
  reset(): Promise<void>;
  /** Closes the gateway alone (a restart test opens another on the same config); `close` then stops the rest. */
  closeApp(): Promise<void>;
  close(): Promise<void>;
}

/**
 * The whole gateway (the real createApp) on a loopback port 0, against the fake-chatgpt emulator on its own port 0,
 * with `accounts` signed-in accounts (`user1@example.com`…).
 */
export async function startStack(options: StackOptions = {}): Promise<Stack> {
  const clock = options.clock;
  const fake = await FakeChatgpt.start({ port: 0, ...(clock ? { clock: () => clock.now() } : {}), ...options.fake });
  const config = testConfig({
    CHATGPT_BASE_URL: fake.url,
    OAUTH_TOKEN_URL: `${fake.url}/oauth/token`,
    OAUTH_AUTHORIZATION_URL: `${fake.url}/oauth/authorize`,
    OAUTH_DEVICE_AUTHORIZATION_URL: `${fake.url}/api/accounts/deviceauth/usercode`,
    OAUTH_DEVICE_TOKEN_URL: `${fake.url}/api/accounts/deviceauth/token`,
    ...options.env,
  });
  const app = await createApp(config, { clock });
  await app.listen(0, '127.0.0.1');
  const port = (app.getHttpServer().address() as AddressInfo).port;
  const accounts = await addAccounts(app, fake, options.accounts ?? 1);
  let appClosed: Promise<void> | undefined;
  const closeApp = (): Promise<void> => (appClosed ??= app.close());
  if (options.discoverModels !== false && accounts.length > 0) await app.get(ModelCatalogService).refresh();
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    fake,
    app,
    config,
    adminToken: TEST_ADMIN_TOKEN,
    accounts,
    accountFor(fakeId) {
      const found = accounts.find((a) => a.fakeId === fakeId);
      if (!found) throw new Error(`no stack account for ${fakeId}`);
      return found;
    },
    async reset() {
      await resetAccounts(app, fake, accounts);
    },
    closeApp,
    async close() {
      await closeApp();
      await fake.stop();
      disposeTestConfig(config);
    },
  };
}

async function signIn(
  service: AccountsService,
  fake: FakeChatgpt,
  fakeId: string,
  priority: number,
  targetId?: string,
): Promise<string> {
  const tokens = fake.issueTokens(fakeId);
  const input = {
    accessToken: tokens.accessToken,
    refreshToken: tokens.refreshToken,
    idToken: tokens.idToken,
    expiresAt: fake.now() + tokens.expiresIn * 1000, // the emulator's clock, which may be a fake one
    priority,
  };
  const { account } = await service.upsertFromTokens(input, targetId);
  return account.id;
}

async function addAccounts(app: NestExpressApplication, fake: FakeChatgpt, count: number): Promise<StackAccount[]> {
  const service = app.get(AccountsService);
  const added: StackAccount[] = [];
  for (let i = 1; i <= count; i++) {
    const email = `user${i}@example.com`;
    const record = fake.addAccount({ email });
    added.push({ fakeId: record.id, id: await signIn(service, fake, record.id, i - 1), email });
  }
  return added;
}

async function resetAccounts(app: NestExpressApplication, fake: FakeChatgpt, accounts: StackAccount[]): Promise<void> {
  const service = app.get(AccountsService);
  for (const [i, account] of accounts.entries()) {
    fake.clearFaults(account.fakeId);
    fake.resetWindows(account.fakeId);
    await signIn(service, fake, account.fakeId, i, account.id);
    // A fresh probe replaces any spent window the proxy remembers, so routing sees full quota again.
    await app.get(UsageProbeService).probe(account.id);
    await service.clearBlocks(account.id);
  }
  fake.resetCounters();
}
