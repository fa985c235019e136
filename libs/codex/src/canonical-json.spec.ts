import fc from 'fast-check';
import { isCanonicalJson } from './canonical-json';
import { draws, spell, trickyJson } from './__fixtures__/json-spellings';

const roundTrip = (text: string): string => JSON.stringify(JSON.parse(text));

describe('isCanonicalJson', () => {
  it('accepts what JSON.stringify writes', () => {
    const texts = [
      '"plain"',
      JSON.stringify('quote " backslash \\ slash / newline \n tab \t controls \u0000\u000b\u001f\u007f é 😀 \u2028'),
      '0',
      '-12.5',
      '1e+21',
      '5e-7',
      'true',
      'false',
      'null',
      '[]',
      '{}',
      JSON.stringify({ a: [1, { b: null, c: 'x' }], d: { e: true }, '': 0, __proto__x: 1, a1: 2 }),
      JSON.stringify(Array.from({ length: 40 }, (_, i) => [`k${i}`, i])),
      JSON.stringify(Object.fromEntries(Array.from({ length: 40 }, (_, i) => [`k${i}`, i]))),
    ];
    for (const text of texts) {
      expect(roundTrip(text)).toBe(text);
      expect(isCanonicalJson(text)).toBe(true);
    }
  });

  it('refuses every spelling the round trip would change', () => {
    const texts = [
      ' "a"',
      '"a" ',
      '[1, 2]',
      '{"a": 1}',
      '{"a" :1}',
      '[1,\n2]',
      '"\\/"',
      '"\\u0041"',
      '"\\u000a"',
      '"\\u001F"',
      '"\\ud83d\\ude00"',
      '"\ud800"',
      '1.0',
      '1e2',
      '1E+21',
      '-0',
      '0.10',
      '{"a":1,"a":2}',
      '{"b":1,"1":2}',
      JSON.stringify(Object.fromEntries(Array.from({ length: 40 }, (_, i) => [`k${i % 30}`, i]))).replace(
        '"k0"',
        '"k29"',
      ),
    ];
    for (const text of texts) {
      expect(roundTrip(text)).not.toBe(text);
      expect(isCanonicalJson(text)).toBe(false);
    }
  });

  it('leaves to the round trip the rare canonical texts it does not check: escaped lone surrogates, index names', () => {
    for (const text of ['"\\ud800"', '{"1":2,"b":1}']) {
      expect(roundTrip(text)).toBe(text);
      expect(isCanonicalJson(text)).toBe(false);
    }
  });

  it('refuses text that is not JSON, and nesting deeper than it checks', () => {
    for (const text of [
      '',
      '"tab\tinside"',
      '{"a" 1}',
      '[1,,2]',
      '[1',
      '{"a":1}x',
      '"open',
      'nul',
      'tru',
      '01',
      '1.',
      '-',
      '+1',
      '[1,]',
    ])
      expect(isCanonicalJson(text)).toBe(false);
    const deep = `${'['.repeat(100)}${']'.repeat(100)}`;
    expect(isCanonicalJson(deep)).toBe(false);
    expect(isCanonicalJson(`${'['.repeat(60)}${']'.repeat(60)}`)).toBe(true);
  });

  it('never accepts a text the round trip changes, for any spelling of any value', () => {
    fc.assert(
      fc.property(trickyJson, draws, (value, choices) => {
        const text = spell(value, choices);
        if (isCanonicalJson(text)) expect(roundTrip(text)).toBe(text);
      }),
      { numRuns: 2000 },
    );
  });

  it('accepts JSON.stringify output, but for index-like member names and escaped lone surrogates', () => {
    fc.assert(
      fc.property(trickyJson, (value) => {
        const text = JSON.stringify(value);
        const exempt = /\\ud[89a-f]|"\d+":/.test(text);
        if (!exempt) expect(isCanonicalJson(text)).toBe(true);
      }),
      { numRuns: 1000 },
    );
  });
});
