import { Test } from '@nestjs/testing';
import { AppConfig, Clock, Timers } from '@mcp/config';
import {
  type Account,
  AccountRepository,
  AccountsService,
  CatalogueShare,
  ChatgptHttp,
  LocalCatalogueShare,
  LocalRefreshCoordinator,
  ModelCatalogService,
  RefreshCoordinator,
  TokenService,
  UsageProbeService,
} from '@mcp/accounts';
import { FakeClock, FakeTimers, disposeTestConfig, testConfig } from '@mcp/testing';
import { ScriptedHttp } from './scripted-http';
import { InMemoryAccountRepository } from '@mcp/testing/fakes';

export interface UnitHarness {
  clock: FakeClock;
  http: ScriptedHttp;
  repository: InMemoryAccountRepository;
  config: AppConfig;
  accounts: AccountsService;
  tokens: TokenService;
  probes: UsageProbeService;
  catalog: ModelCatalogService;
  close(): Promise<void>;
}

/** The accounts services on a FakeClock, an in-memory repository and scripted upstream answers. */
export async function unitHarness(stored: Account[] = [], env: Record<string, string> = {}): Promise<UnitHarness> {
  const config = testConfig(env);
  const clock = new FakeClock();
  const http = new ScriptedHttp();
  const repository = new InMemoryAccountRepository(stored);
  const moduleRef = await Test.createTestingModule({
    providers: [
      AccountsService,
      TokenService,
      UsageProbeService,
      ModelCatalogService,
      { provide: AccountRepository, useValue: repository },
      { provide: ChatgptHttp, useValue: http.asChatgptHttp() },
      { provide: AppConfig, useValue: config },
      { provide: Clock, useValue: clock },
      { provide: Timers, useValue: new FakeTimers(clock) },
      { provide: RefreshCoordinator, useClass: LocalRefreshCoordinator },
      { provide: CatalogueShare, useClass: LocalCatalogueShare },
    ],
  }).compile();
  await moduleRef.init();
  return {
    clock,
    http,
    repository,
    config,
    accounts: moduleRef.get(AccountsService),
    tokens: moduleRef.get(TokenService),
    probes: moduleRef.get(UsageProbeService),
    catalog: moduleRef.get(ModelCatalogService),
    close: async () => {
      await moduleRef.close();
      disposeTestConfig(config);
    },
  };
}

/** Lets pending promise callbacks and I/O callbacks run. */
export function settle(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
