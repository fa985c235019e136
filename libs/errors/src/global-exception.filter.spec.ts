import {
  Controller,
  Get,
  INestApplication,
  Injectable,
  Logger,
  Module,
  NotFoundException,
  Param,
} from '@nestjs/common';
import { Test } from '@nestjs/testing';
import type { Request, Response } from 'express';
import {
  ErrorRegistry,
  ErrorSurface,
  ErrorTable,
  ErrorsModule,
  type HttpProblem,
  errorTable,
  globalErrorProviders,
} from '@mcp/errors';

class ThingNotFoundError extends Error {}
class SpecialThingNotFoundError extends ThingNotFoundError {}
class QuotaError extends Error {
  constructor(readonly retryAfter: number) {
    super('slow down');
  }
}

@Controller()
class ThrowingController {
  @Get(['admin/things/:kind', 'v1/things/:kind', 'v1/messages/:kind'])
  fail(@Param('kind') kind: string): never {
    if (kind === 'missing') throw new ThingNotFoundError('no such thing');
    if (kind === 'special') throw new SpecialThingNotFoundError('special thing gone');
    if (kind === 'quota') throw new QuotaError(7);
    if (kind === 'nest') throw new NotFoundException('Nest says no');
    throw new TypeError('secret internals at line 42');
  }
}

/** Two stand-in surfaces: a plain one for /v1 and a more specific one for /v1/messages. */
@Injectable()
class V1Surface extends ErrorSurface {
  matches(path: string): boolean {
    return path.startsWith('/v1/');
  }
  render(problem: HttpProblem, _req: Request, res: Response): void {
    res.status(problem.status).json({ v1: { message: problem.message, code: problem.code ?? null } });
  }
}

@Injectable()
class MessagesSurface extends ErrorSurface {
  override readonly priority = 10;
  matches(path: string): boolean {
    return path.startsWith('/v1/messages');
  }
  render(problem: HttpProblem, _req: Request, res: Response): void {
    res.status(problem.status).json({ type: 'error', error: { message: problem.message } });
  }
}

@Module({
  controllers: [ThrowingController],
  providers: [
    V1Surface,
    MessagesSurface,
    errorTable('things', [
      [ThingNotFoundError, 404, 'thing_missing'],
      [SpecialThingNotFoundError, 410],
      [QuotaError, (error: QuotaError) => ({ status: 429, headers: { 'retry-after': String(error.retryAfter) } })],
    ]),
  ],
})
class ThingsModule {}

describe('GlobalExceptionFilter', () => {
  let app: INestApplication;
  let base: string;
  let logged: string[];

  beforeAll(async () => {
    logged = [];
    const moduleRef = await Test.createTestingModule({
      imports: [ErrorsModule, ThingsModule],
      providers: globalErrorProviders,
    }).compile();
    app = moduleRef.createNestApplication({ logger: false });
    jest.spyOn(Logger.prototype, 'error').mockImplementation((message: unknown) => {
      logged.push(String(message));
    });
    await app.listen(0, '127.0.0.1');
    base = (await app.getUrl()).replace('[::1]', '127.0.0.1');
  });
  afterAll(async () => {
    jest.restoreAllMocks();
    await app.close();
  });

  async function get(path: string): Promise<{ status: number; body: unknown; headers: Headers }> {
    const response = await fetch(`${base}${path}`);
    return { status: response.status, body: await response.json(), headers: response.headers };
  }

  it("answers a mapped domain error in Nest's shape on /admin", async () => {
    expect(await get('/admin/things/missing')).toMatchObject({
      status: 404,
      body: { statusCode: 404, message: 'no such thing', error: 'Not Found' },
    });
  });

  it('renders the same error in the envelope of the surface the path belongs to', async () => {
    expect(await get('/v1/things/missing')).toMatchObject({
      status: 404,
      body: { v1: { message: 'no such thing', code: 'thing_missing' } },
    });
    expect(await get('/v1/messages/missing')).toMatchObject({
      status: 404,
      body: { type: 'error', error: { message: 'no such thing' } },
    });
  });

  it('prefers the rule of the most specific class, and a rule can add headers', async () => {
    expect((await get('/admin/things/special')).status).toBe(410);
    const quota = await get('/admin/things/quota');
    expect(quota.status).toBe(429);
    expect(quota.headers.get('retry-after')).toBe('7');
  });

  it("keeps a Nest HttpException's own body", async () => {
    expect(await get('/admin/things/nest')).toMatchObject({
      status: 404,
      body: { statusCode: 404, message: 'Nest says no', error: 'Not Found' },
    });
  });

  it('answers an unexpected error with a bare 500, and logs it with its stack', async () => {
    const answer = await get('/admin/things/bug');
    expect(answer).toMatchObject({ status: 500, body: { statusCode: 500, message: 'Internal server error' } });
    expect(JSON.stringify(answer.body)).not.toContain('secret internals');
    expect(
      logged.some((line) => line.includes('GET /admin/things/bug failed') && line.includes('secret internals')),
    ).toBe(true);
  });
});

describe('ErrorRegistry', () => {
  it('refuses a class mapped by two tables', () => {
    expect(
      () =>
        new ErrorRegistry([
          new ErrorTable('one', [[ThingNotFoundError, 404]]),
          new ErrorTable('two', [[ThingNotFoundError, 410]]),
        ]),
    ).toThrow('ThingNotFoundError is mapped by both the one and two error tables');
  });
});
