import { epochToMs, finiteNumber, isRecord, looseBoolean, nonEmptyString, tryParseJson } from './json';

describe('lenient JSON readers', () => {
  it('isRecord accepts plain objects only', () => {
    expect([{}, { a: 1 }].every(isRecord)).toBe(true);
    expect([null, [], 'x', 1, undefined].some(isRecord)).toBe(false);
  });

  it('nonEmptyString trims and rejects blanks and non-strings', () => {
    expect(nonEmptyString('  a ')).toBe('a');
    expect(nonEmptyString('   ')).toBeUndefined();
    expect(nonEmptyString(3)).toBeUndefined();
  });

  it.each([
    [12, 12],
    ['12.5', 12.5],
    ['', undefined],
    ['abc', undefined],
    [Number.NaN, undefined],
    [null, undefined],
  ])('finiteNumber(%p) = %p', (input, expected) => {
    expect(finiteNumber(input)).toBe(expected);
  });

  it.each([
    ['True', true],
    ['false', false],
    ['1', true],
    ['0', false],
    [true, true],
    [0, false],
    ['yes', undefined],
    ['', undefined],
  ])('looseBoolean(%p) = %p', (input, expected) => {
    expect(looseBoolean(input)).toBe(expected);
  });

  it('epochToMs converts seconds, keeps values that are already ms, and rejects non-positive values', () => {
    expect(epochToMs(1767200000)).toBe(1767200000000);
    expect(epochToMs('1767200000')).toBe(1767200000000);
    expect(epochToMs(1767200000123)).toBe(1767200000123);
    expect(epochToMs(0)).toBeUndefined();
    expect(epochToMs('')).toBeUndefined();
  });

  it('tryParseJson never throws', () => {
    expect(tryParseJson('{"a":1}')).toEqual({ a: 1 });
    expect(tryParseJson('{')).toBeUndefined();
  });
});
