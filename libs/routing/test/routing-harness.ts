import { Test, type TestingModule } from '@nestjs/testing';
import { type Account, AccountRepository, AccountsService, ModelCatalogService } from '@mcp/accounts';
import { AppConfig, Clock, Timers } from '@mcp/config';
import type { UsageSnapshot } from '@mcp/contracts';
import { disposeTestConfig, FakeClock, FakeTimers, testConfig } from '@mcp/testing';
import { RoutingService } from '../src/routing.service';
import { account, type AccountSpec, DAY, fiveHour, HOUR, usage, weekly } from './routing-fixtures';
import { InMemoryAccountRepository } from '@mcp/testing/fakes';

export const MODEL = 'gpt-5.3-codex';
export const OTHER_MODEL = 'gpt-5-codex';
export const AFFINITY_TTL = HOUR;

/** The catalogue as routing sees it: which accounts a model may use (null = any). */
export class FakeCatalog {
  readonly lists = new Map<string, string[]>();
  accountsFor(model: string): string[] | null {
    return this.lists.get(model) ?? null;
  }
}

/** A stored account (with a token) built from the routing fixture. */
export function stored(id: string, spec: AccountSpec = {}): Account {
  return { ...account(id, spec), accessToken: `token-${id}`, createdAt: 0, updatedAt: 0 };
}

/** RoutingService over the real AccountsService, an in-memory store, a fake clock and a fake catalogue. */
export class RoutingHarness {
  routing!: RoutingService;
  accounts!: AccountsService;
  clock!: FakeClock;
  timers!: FakeTimers;
  catalog!: FakeCatalog;
  private moduleRef: TestingModule | undefined;
  private config: AppConfig | undefined;

  async start(initial: Account[], env: Record<string, string> = {}): Promise<void> {
    await this.stop();
    this.clock = new FakeClock();
    this.timers = new FakeTimers(this.clock);
    this.catalog = new FakeCatalog();
    this.config = testConfig({ SESSION_AFFINITY_TTL_MS: String(AFFINITY_TTL), ...env });
    this.moduleRef = await Test.createTestingModule({
      providers: [
        RoutingService,
        AccountsService,
        { provide: AccountRepository, useValue: new InMemoryAccountRepository(initial) },
        { provide: ModelCatalogService, useValue: this.catalog },
        { provide: AppConfig, useValue: this.config },
        { provide: Clock, useValue: this.clock },
        { provide: Timers, useValue: this.timers },
      ],
    }).compile();
    await this.moduleRef.init();
    this.routing = this.moduleRef.get(RoutingService);
    this.accounts = this.moduleRef.get(AccountsService);
  }

  async stop(): Promise<void> {
    await this.moduleRef?.close();
    if (this.config) disposeTestConfig(this.config);
    this.moduleRef = undefined;
    this.config = undefined;
  }

  /** The account the next request would use. */
  chosen(model = MODEL, sessionKey?: string, excluded: string[] = []): string | undefined {
    return this.routing.choose(model, { sessionKey, excluded: new Set(excluded) }).candidates[0]?.accountId;
  }

  /** A fresh snapshot with both windows at 0 %. */
  untouched(): UsageSnapshot {
    const now = this.clock.now();
    return usage(now, { fiveHour: fiveHour(0, now + HOUR), weekly: weekly(0, now + DAY) });
  }

  /** A fresh snapshot with both windows at `percent`, the weekly one resetting in `weeklyReset`. */
  used(percent: number, weeklyReset = DAY): UsageSnapshot {
    const now = this.clock.now();
    return usage(now, { fiveHour: fiveHour(percent, now + HOUR), weekly: weekly(percent, now + weeklyReset) });
  }
}
