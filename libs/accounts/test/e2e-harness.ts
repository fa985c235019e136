import { type DynamicModule, type INestApplication, Module, type Type, ValidationPipe } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ScheduleModule } from '@nestjs/schedule';
import type { AddressInfo } from 'node:net';
import { type AppConfig, ConfigModule } from '@mcp/config';
import { AccountsModule } from '@mcp/accounts';
import { ErrorsModule, globalErrorProviders } from '@mcp/errors';
import { TEST_ADMIN_TOKEN, disposeTestConfig, testConfig } from '@mcp/testing';
import { FakeChatgpt } from '@mcp/fake-chatgpt';

export interface ApiReply<T = Record<string, unknown>> {
  status: number;
  body: T;
  text: string;
}

export interface E2eApp {
  fake: FakeChatgpt;
  app: INestApplication;
  config: AppConfig;
  /** Every response body the admin API sent, for the "no token in any response" check. */
  bodies: string[];
  call<T = Record<string, unknown>>(
    method: string,
    path: string,
    body?: unknown,
    opts?: { auth?: boolean },
  ): Promise<ApiReply<T>>;
  close(): Promise<void>;
}

/** Environment that aims every upstream URL at the emulator. */
export function emulatorEnv(fake: FakeChatgpt): Record<string, string> {
  return {
    CHATGPT_BASE_URL: fake.url,
    OAUTH_AUTHORIZATION_URL: `${fake.url}/oauth/authorize`,
    OAUTH_TOKEN_URL: `${fake.url}/oauth/token`,
    OAUTH_DEVICE_AUTHORIZATION_URL: `${fake.url}/api/accounts/deviceauth/usercode`,
    OAUTH_DEVICE_TOKEN_URL: `${fake.url}/api/accounts/deviceauth/token`,
    OAUTH_DEVICE_VERIFICATION_URL: `${fake.url}/codex/device`,
  };
}

/**
 * A small Nest app (config + the given feature modules, the app's global ValidationPipe) on a
 * loopback port, against a fresh fake-chatgpt. `schedule` registers ScheduleModule so the jobs run.
 */
export async function startE2eApp(
  features: (Type | DynamicModule)[] = [AccountsModule],
  opts: { env?: Record<string, string>; schedule?: boolean; fake?: FakeChatgpt } = {},
): Promise<E2eApp> {
  const fake = opts.fake ?? (await FakeChatgpt.start({ port: 0 }));
  const config = testConfig({ ...emulatorEnv(fake), ...opts.env });
  const imports = [
    ConfigModule.forRoot(config),
    ErrorsModule,
    ...(opts.schedule ? [ScheduleModule.forRoot()] : []),
    ...features,
  ];

  // The app's global filter, so domain errors answer as they do in production.
  @Module({ imports, providers: globalErrorProviders })
  class AppUnderTest {}

  const app = await NestFactory.create(AppUnderTest, { logger: false });
  app.useGlobalPipes(new ValidationPipe({ whitelist: true, forbidNonWhitelisted: true, transform: true }));
  await app.listen(0, '127.0.0.1');
  const { port } = app.getHttpServer().address() as AddressInfo;
  const base = `http://127.0.0.1:${port}`;
  const bodies: string[] = [];

  return {
    fake,
    app,
    config,
    bodies,
    async call(method, path, body, callOpts = {}) {
      const headers: Record<string, string> = {};
      if (callOpts.auth !== false) headers['x-admin-token'] = TEST_ADMIN_TOKEN;
      if (body !== undefined) headers['content-type'] = 'application/json';
      const response = await fetch(`${base}${path}`, {
        method,
        headers,
        body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
      });
      const text = await response.text();
      bodies.push(text);
      return { status: response.status, body: (text ? JSON.parse(text) : undefined) as never, text };
    },
    async close() {
      await app.close();
      if (!opts.fake) await fake.stop();
      disposeTestConfig(config);
    },
  };
}
