import { Controller, Get, INestApplication, UseGuards, ValidationPipe } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import type { AddressInfo } from 'node:net';
import { AdminAuthModule, AdminGuard } from '@mcp/admin-auth';
import { AppConfig, ConfigModule } from '@mcp/config';
import { ErrorsModule, globalErrorProviders } from '@mcp/errors';
import { FakeClock, TEST_ADMIN_TOKEN, disposeTestConfig, testConfig } from '@mcp/testing';

@Controller('admin/things')
@UseGuards(AdminGuard)
class ThingsController {
  @Get()
  list(): { things: string[] } {
    return { things: [] };
  }
}

interface Running {
  app: INestApplication;
  config: AppConfig;
  clock: FakeClock;
  url: string;
}

async function start(env: Record<string, string> = {}): Promise<Running> {
  const config = testConfig(env);
  const clock = new FakeClock();
  const moduleRef = await Test.createTestingModule({
    imports: [ConfigModule.forRoot(config, clock), ErrorsModule, AdminAuthModule],
    controllers: [ThingsController],
    providers: globalErrorProviders,
  }).compile();
  const app = moduleRef.createNestApplication({ logger: false });
  app.useGlobalPipes(new ValidationPipe({ whitelist: true, forbidNonWhitelisted: true, transform: true }));
  await app.listen(0, '127.0.0.1');
  const { port } = app.getHttpServer().address() as AddressInfo;
  return { app, config, clock, url: `http://127.0.0.1:${port}` };
}

async function signIn(running: Running, token: string, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(`${running.url}/admin/session`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ token }),
  });
}

describe('admin sign-in throttle', () => {
  let running: Running;
  afterEach(async () => {
    await running.app.close();
    disposeTestConfig(running.config);
  });

  it('bounds parallel guesses at POST /admin/session, then refuses even the right token until the window ends', async () => {
    running = await start();
    const guesses = await Promise.all(Array.from({ length: 30 }, (_, i) => signIn(running, `guess-${i}-xxxxxxxx`)));
    const statuses = guesses.map((response) => response.status);
    expect(statuses.filter((status) => status === 401)).toHaveLength(10);
    expect(statuses.filter((status) => status === 429)).toHaveLength(20);
    const throttled = guesses.find((response) => response.status === 429)!;
    expect(Number(throttled.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(await throttled.json()).toMatchObject({ statusCode: 429, message: expect.stringContaining('Too many') });

    expect((await signIn(running, TEST_ADMIN_TOKEN)).status).toBe(429);
    running.clock.advance(60_001);
    const signedIn = await signIn(running, TEST_ADMIN_TOKEN);
    expect(signedIn.status).toBe(200);
    expect(signedIn.headers.get('set-cookie')).toMatch(/^mcp_admin=.+HttpOnly/);
  });

  it('shares one budget between the guard and the sign-in route', async () => {
    running = await start();
    const wrong = { 'x-admin-token': 'wrong-token-of-some-length' };
    const guarded = await Promise.all(
      Array.from({ length: 10 }, () => fetch(`${running.url}/admin/things`, { headers: wrong })),
    );
    expect(guarded.map((response) => response.status)).toEqual(Array(10).fill(401));
    expect((await signIn(running, 'another-wrong-guess-xxxx')).status).toBe(429);
    expect(
      (await fetch(`${running.url}/admin/things`, { headers: { 'x-admin-token': TEST_ADMIN_TOKEN } })).status,
    ).toBe(429);
  });

  it('ignores X-Forwarded-For unless TRUST_PROXY_HOPS says a proxy sets it', async () => {
    running = await start();
    for (let i = 0; i < 10; i++) await signIn(running, 'wrong-guess-xxxxxxxx', { 'x-forwarded-for': `10.0.0.${i}` });
    expect((await signIn(running, TEST_ADMIN_TOKEN, { 'x-forwarded-for': '10.0.0.99' })).status).toBe(429);
    await running.app.close();
    disposeTestConfig(running.config);

    running = await start({ TRUST_PROXY_HOPS: '1' });
    const attacker = { 'x-forwarded-for': 'spoofed, 10.0.0.1' };
    for (let i = 0; i < 10; i++) await signIn(running, 'wrong-guess-xxxxxxxx', attacker);
    expect((await signIn(running, TEST_ADMIN_TOKEN, { 'x-forwarded-for': 'spoofed, 10.0.0.1' })).status).toBe(429);
    // Another client behind the same proxy keeps its own budget, whatever it claims further left.
    expect((await signIn(running, TEST_ADMIN_TOKEN, { 'x-forwarded-for': '10.0.0.1, 10.0.0.2' })).status).toBe(200);
  });
});
