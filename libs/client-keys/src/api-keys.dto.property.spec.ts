import { BadRequestException, Logger, ValidationPipe } from '@nestjs/common';
import { plainToInstance } from 'class-transformer';
import { validate } from 'class-validator';
import fc from 'fast-check';
import type { ApiKeyView } from '@mcp/contracts';
import { ApiKeysService } from './api-keys.service';
import { AppConfig } from '@mcp/config';
import { FakeClock, disposeTestConfig, testConfig } from '@mcp/testing';
import { MemoryApiKeyRepository } from '@mcp/testing/fakes';
import { CreateApiKeyDto, MAX_ALLOWED_MODELS, MAX_RPM_LIMIT, PatchApiKeyDto } from './api-keys.dto';

Logger.overrideLogger(false);

// The pipe the app installs globally (ARCHITECTURE.md, "Validation at the edge").
const pipe = new ValidationPipe({ whitelist: true, forbidNonWhitelisted: true, transform: true });

/** Bodies as they arrive off the wire: parsed JSON of any shape, including `__proto__` keys. */
const wireJson = fc.json({ depthSize: 'small' }).map((text) => JSON.parse(text) as unknown);

/** Mostly plausible, sometimes absurd, so both the success path and each boundary get exercised. */
function mostly<T>(plausible: fc.Arbitrary<T>, absurd: fc.Arbitrary<unknown>): fc.Arbitrary<unknown> {
  return fc.oneof({ arbitrary: plausible, weight: 4 }, { arbitrary: absurd, weight: 1 });
}

/** Objects that use the DTOs' own keys, to probe the validators rather than just the unknown-key check. */
const nearMiss = fc.record(
  {
    name: mostly(
      fc.string({ minLength: 1, maxLength: 100 }),
      fc.oneof(fc.constantFrom(' \t', '\u0000bad', 'x'.repeat(101)), fc.anything()),
    ),
    enabled: mostly(fc.boolean(), fc.oneof(fc.constantFrom('true', 0, 1, null), fc.anything())),
    allowedModels: mostly(
      fc.array(fc.constantFrom('gpt-5-codex', 'gpt-5.3-codex', 'o3/mini:2025'), { minLength: 1 }),
      fc.oneof(
        fc.array(fc.constantFrom('', '../x', 'a b', 'gpt-5-codex')),
        fc.array(fc.string(), { maxLength: MAX_ALLOWED_MODELS + 2 }),
        fc.constantFrom(null, 'gpt-5-codex', {}),
        fc.anything(),
      ),
    ),
    rpmLimit: mostly(
      fc.integer({ min: 1, max: MAX_RPM_LIMIT }),
      fc.oneof(fc.integer({ min: -5, max: 0 }), fc.double(), fc.constantFrom(null, '10', MAX_RPM_LIMIT + 1, 1e9)),
    ),
  },
  { requiredKeys: [] },
);
const withStrayKey = fc
  .tuple(nearMiss, fc.string(), fc.anything())
  .map(([body, key, value]) => ({ ...body, [key]: value }));

const bodies = fc.oneof(wireJson, nearMiss, withStrayKey);

async function throughPipe<T>(value: unknown, metatype: new () => T): Promise<T | BadRequestException> {
  try {
    return (await pipe.transform(value, { type: 'body', metatype })) as T;
  } catch (error) {
    if (error instanceof BadRequestException) return error;
    throw error;
  }
}

function expectFieldErrors(error: BadRequestException): void {
  expect(error.getStatus()).toBe(400);
  const { message } = error.getResponse() as { message: unknown };
  expect(Array.isArray(message) || typeof message === 'string').toBe(true);
}

function expectValidCreate(dto: CreateApiKeyDto): void {
  expect(typeof dto.name).toBe('string');
  expect(dto.name.trim().length).toBeGreaterThan(0);
  expect(dto.name.length).toBeLessThanOrEqual(100);
  if (dto.allowedModels !== undefined && dto.allowedModels !== null) {
    expect(dto.allowedModels.length).toBeGreaterThan(0);
    expect(dto.allowedModels.every((model) => typeof model === 'string' && model.length > 0)).toBe(true);
  }
  if (dto.rpmLimit !== undefined && dto.rpmLimit !== null)
    expect(Number.isInteger(dto.rpmLimit) && dto.rpmLimit >= 1).toBe(true);
}

/** What the admin API shows must be well-typed whatever body produced it (no stray nulls). */
function expectValidView(view: ApiKeyView): void {
  expect(typeof view.name).toBe('string');
  expect(typeof view.enabled).toBe('boolean');
  if ('rpmLimit' in view) expect(Number.isInteger(view.rpmLimit)).toBe(true);
  if ('allowedModels' in view) expect(Array.isArray(view.allowedModels) && view.allowedModels.length > 0).toBe(true);
}

describe('admin client-key DTOs under random bodies', () => {
  let config: AppConfig;
  let service: ApiKeysService;
  let existingId: string;

  beforeAll(async () => {
    config = testConfig();
    service = new ApiKeysService(config, new MemoryApiKeyRepository(), new FakeClock());
    await service.onModuleInit();
    existingId = (await service.create({ name: 'target' })).key.id;
  });
  afterAll(async () => {
    await service.onModuleDestroy();
    disposeTestConfig(config);
  });

  // express.json() (strict) hands a route only objects and arrays; the pipe also screens other values.
  it('class-validator never throws on a create or patch body the JSON parser can deliver', async () => {
    const parsedBodies = bodies.filter((body) => typeof body === 'object' && body !== null);
    await fc.assert(
      fc.asyncProperty(parsedBodies, async (body) => {
        const metatypes: (new () => object)[] = [CreateApiKeyDto, PatchApiKeyDto];
        for (const metatype of metatypes) {
          const instance: object = plainToInstance(metatype, body as object);
          const errors = await validate(instance, { whitelist: true, forbidNonWhitelisted: true });
          expect(Array.isArray(errors)).toBe(true);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('POST bodies either become a valid key or a 400 with field errors, never a 500', async () => {
    let accepted = 0;
    await fc.assert(
      fc.asyncProperty(bodies, async (body) => {
        const result = await throughPipe(body, CreateApiKeyDto);
        if (result instanceof BadRequestException) return expectFieldErrors(result);
        accepted += 1;
        expectValidCreate(result);
        const { key, secret } = await service.create(result);
        expect(service.verify(secret)?.id).toBe(key.id);
        expectValidView(key);
        await service.remove(key.id);
      }),
      { numRuns: 300 },
    );
    // The generators must reach the success path too, or this would only test rejections.
    expect(accepted).toBeGreaterThan(0);
  });

  it('PATCH bodies either apply cleanly or give a 400, never a 500', async () => {
    let accepted = 0;
    await fc.assert(
      fc.asyncProperty(bodies, async (body) => {
        const result = await throughPipe(body, PatchApiKeyDto);
        if (result instanceof BadRequestException) return expectFieldErrors(result);
        accepted += 1;
        expectValidView(await service.update(existingId, result));
      }),
      { numRuns: 300 },
    );
    expect(accepted).toBeGreaterThan(0);
  });

  it('rejects the obvious mistakes with a message naming the field', async () => {
    const cases: [unknown, new () => object, string][] = [
      [{}, CreateApiKeyDto, 'name'],
      [{ name: '   ' }, CreateApiKeyDto, 'name'],
      [{ name: 'x', allowedModels: [] }, CreateApiKeyDto, 'allowedModels'],
      [{ name: 'x', rpmLimit: 0 }, CreateApiKeyDto, 'rpmLimit'],
      [{ name: 'x', secret: 'mine' }, CreateApiKeyDto, 'secret'],
      [{ enabled: 'yes' }, PatchApiKeyDto, 'enabled'],
      [{ name: null }, PatchApiKeyDto, 'name'],
    ];
    for (const [body, metatype, field] of cases) {
      const result = await throughPipe(body, metatype);
      expect(result).toBeInstanceOf(BadRequestException);
      expect(JSON.stringify((result as BadRequestException).getResponse())).toContain(field);
    }
  });
});
