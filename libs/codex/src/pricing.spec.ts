import { costUsd, parsePricingOverrides, ratesFor } from './pricing';

describe('costUsd (§10.6)', () => {
  it('charges uncached input, cached input and output at their rates, reasoning included in output', () => {
    // gpt-5.3-codex: 1.75 in, 0.175 cached, 14 out per 1M.
    const cost = costUsd('gpt-5.3-codex', { input: 1200, cached: 1024, output: 300 });
    expect(cost).toBeCloseTo((176 * 1.75 + 1024 * 0.175 + 300 * 14) / 1e6, 12);
  });

  it('never counts cached tokens twice, even when cached exceeds input', () => {
    expect(costUsd('gpt-5', { input: 100, cached: 500, output: 0 })).toBeCloseTo((100 * 0.125) / 1e6, 12);
  });

  it.each<[string, string]>([
    ['openai/gpt-5.3-codex', 'gpt-5.3-codex'],
    ['GPT-5.2-codex-2026-01', 'gpt-5.2-codex'],
    ['gpt-5.4-codex', 'gpt-5'],
    ['gpt-5.1-codex-mini', 'gpt-5.1-codex-mini'],
    ['gpt-5.4-codex-mini', 'gpt-5-mini'],
    ['gpt-5.9-nano', 'gpt-5-nano'],
  ])('prices %s like %s', (model, like) => {
    expect(ratesFor(model)).toEqual(ratesFor(like));
    expect(ratesFor(model)).toBeDefined();
  });

  it('is null for an unknown or missing model', () => {
    expect(costUsd('llama-3', { input: 1, output: 1 })).toBeNull();
    expect(costUsd(null, { input: 1, output: 1 })).toBeNull();
  });

  it('uses overrides before the built-in table, by exact id or prefix', () => {
    const overrides = parsePricingOverrides(
      '{"gpt-5.3-codex":{"input":1,"cached":0.5,"output":2},"my-":{"input":3,"output":4}}',
    );
    expect(costUsd('gpt-5.3-codex', { input: 1_000_000, cached: 0, output: 1_000_000 }, overrides)).toBe(3);
    expect(costUsd('my-model', { input: 1_000_000, cached: 1_000_000, output: 0 }, overrides)).toBe(3);
    expect(costUsd('gpt-5', { input: 1_000_000, output: 0 }, overrides)).toBe(1.25);
  });
});

describe('parsePricingOverrides', () => {
  it('accepts the cached rate spellings and empty input', () => {
    expect(parsePricingOverrides('{"A":{"input":1,"output":2,"cachedInput":0.1}}')).toEqual({
      a: { input: 1, cached: 0.1, output: 2 },
    });
    expect(parsePricingOverrides('{"a":{"input":1,"output":2,"cached_input":0.2}}')).toEqual({
      a: { input: 1, cached: 0.2, output: 2 },
    });
    expect(parsePricingOverrides(undefined)).toEqual({});
    expect(parsePricingOverrides('  ')).toEqual({});
  });

  it.each([
    ['not JSON', '{'],
    ['not an object', '[1]'],
    ['an entry that is not an object', '{"a":1}'],
    ['a missing output', '{"a":{"input":1}}'],
    ['a negative rate', '{"a":{"input":-1,"output":1}}'],
    ['a string rate', '{"a":{"input":"1","output":1}}'],
  ])('throws a readable error for %s', (_label, json) => {
    expect(() => parsePricingOverrides(json)).toThrow(/pricing override/);
  });
});
