import { type INestApplication, type LoggerService, ValidationPipe } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import type { AddressInfo } from 'node:net';
import { type AppConfig, Clock, ConfigModule } from '@mcp/config';
import { ErrorsModule, globalErrorProviders } from '@mcp/errors';
import { AccountsModule } from '@mcp/accounts';
import { OAuthModule } from '@mcp/oauth';
import { TEST_ADMIN_TOKEN, disposeTestConfig, testConfig } from '@mcp/testing';
import { FakeChatgpt } from '@mcp/fake-chatgpt';

export interface ApiReply<T = Record<string, unknown>> {
  status: number;
  body: T;
  text: string;
}

/** Real time, plus an offset a spec can add to (for expiry) without waiting. */
export class ShiftableClock extends Clock {
  offset = 0;
  override now(): number {
    return Date.now() + this.offset;
  }
}

/** Keeps every log line, so a spec can check that no secret was logged. */
export class RecordingLogger implements LoggerService {
  readonly lines: string[] = [];
  log(message: unknown, ...rest: unknown[]): void {
    this.lines.push([message, ...rest].map(String).join(' '));
  }
  error(message: unknown, ...rest: unknown[]): void {
    this.log(message, ...rest);
  }
  warn(message: unknown, ...rest: unknown[]): void {
    this.log(message, ...rest);
  }
  debug(message: unknown, ...rest: unknown[]): void {
    this.log(message, ...rest);
  }
  verbose(message: unknown, ...rest: unknown[]): void {
    this.log(message, ...rest);
  }
}

export interface OAuthE2e {
  fake: FakeChatgpt;
  app: INestApplication;
  config: AppConfig;
  clock: ShiftableClock;
  logs: RecordingLogger;
  bodies: string[];
  call<T = Record<string, unknown>>(
    method: string,
    path: string,
    body?: unknown,
    opts?: { auth?: boolean },
  ): Promise<ApiReply<T>>;
  close(): Promise<void>;
}

/** AccountsModule + OAuthModule on a loopback port with every upstream URL aimed at a fresh fake-chatgpt. */
export async function startOAuthE2e(): Promise<OAuthE2e> {
  const fake = await FakeChatgpt.start({ port: 0 });
  const config = testConfig({
    CHATGPT_BASE_URL: fake.url,
    OAUTH_AUTHORIZATION_URL: `${fake.url}/oauth/authorize`,
    OAUTH_TOKEN_URL: `${fake.url}/oauth/token`,
    OAUTH_DEVICE_AUTHORIZATION_URL: `${fake.url}/api/accounts/deviceauth/usercode`,
    OAUTH_DEVICE_TOKEN_URL: `${fake.url}/api/accounts/deviceauth/token`,
    OAUTH_DEVICE_VERIFICATION_URL: `${fake.url}/codex/device`,
  });
  const clock = new ShiftableClock();
  const logs = new RecordingLogger();
  const moduleRef = await Test.createTestingModule({
    imports: [ConfigModule.forRoot(config), ErrorsModule, AccountsModule, OAuthModule],
    providers: globalErrorProviders,
  })
    .overrideProvider(Clock)
    .useValue(clock)
    .compile();
  const app = moduleRef.createNestApplication({ logger: logs });
  app.useGlobalPipes(new ValidationPipe({ whitelist: true, forbidNonWhitelisted: true, transform: true }));
  await app.listen(0, '127.0.0.1');
  const { port } = app.getHttpServer().address() as AddressInfo;
  const base = `http://127.0.0.1:${port}`;
  const bodies: string[] = [];

  return {
    fake,
    app,
    config,
    clock,
    logs,
    bodies,
    async call(method, path, body, opts = {}) {
      const headers: Record<string, string> = {};
      if (opts.auth !== false) headers['authorization'] = `Bearer ${TEST_ADMIN_TOKEN}`;
      if (body !== undefined) headers['content-type'] = 'application/json';
      const response = await fetch(`${base}${path}`, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const text = await response.text();
      bodies.push(text);
      return { status: response.status, body: (text ? JSON.parse(text) : undefined) as never, text };
    },
    async close() {
      await app.close();
      await fake.stop();
      disposeTestConfig(config);
    },
  };
}

/** What the browser does with the authorize URL: the emulator signs in and redirects to the callback. */
export async function followAuthorize(authorizeUrl: string): Promise<string> {
  const response = await fetch(authorizeUrl, { redirect: 'manual' });
  const location = response.headers.get('location');
  if (response.status !== 302 || !location)
    throw new Error(`authorize answered ${response.status}: ${await response.text()}`);
  return location;
}
