import { headerGetter, parseRetryAfter } from './headers';

describe('headerGetter', () => {
  it('reads a record case-insensitively, takes the first of repeated values and treats blanks as absent', () => {
    const get = headerGetter({ 'X-Codex-Plan-Type': 'plus', 'set-cookie': ['a=1', 'b=2'], empty: '  ', n: 5 });
    expect(get('x-codex-plan-type')).toBe('plus');
    expect(get('Set-Cookie')).toBe('a=1');
    expect(get('empty')).toBeUndefined();
    expect(get('n')).toBe('5');
    expect(get('missing')).toBeUndefined();
  });

  it('reads a record of lower-case names (as undici and node:http give them) in place, own names only', () => {
    const get = headerGetter({ 'x-codex-plan-type': ' pro ', 'set-cookie': ['a=1', 'b=2'], blank: '', n: 0 });
    expect(get('X-Codex-Plan-Type')).toBe('pro');
    expect(get('set-cookie')).toBe('a=1');
    expect(get('blank')).toBeUndefined();
    expect(get('n')).toBe('0');
    expect(get('constructor')).toBeUndefined();
    expect(get('toString')).toBeUndefined();
  });

  it('takes the later of two spellings of one name when a record has both, and skips blank ones', () => {
    expect(headerGetter({ 'x-a': '1', 'X-A': '2' })('x-a')).toBe('2');
    expect(headerGetter({ 'x-a': '1', 'X-A': ' ' })('x-a')).toBe('1');
  });

  it('reads a fetch Headers object', () => {
    const get = headerGetter(new Headers({ 'Retry-After': '3', blank: '' }));
    expect(get('retry-after')).toBe('3');
    expect(get('blank')).toBeUndefined();
  });

  it('reads nothing from undefined', () => {
    expect(headerGetter(undefined)('a')).toBeUndefined();
  });
});

describe('parseRetryAfter', () => {
  const now = Date.parse('2026-01-01T00:00:00Z');
  it.each([
    ['delta seconds', '30', 30_000],
    ['fractional seconds', '1.5', 1500],
    ['an HTTP date', 'Thu, 01 Jan 2026 00:02:00 GMT', 120_000],
    ['a past date', 'Wed, 31 Dec 2025 23:00:00 GMT', undefined],
    ['garbage', 'soon', undefined],
    ['absent', undefined, undefined],
  ])('%s', (_label, value, expected) => {
    expect(parseRetryAfter(value, now)).toBe(expected);
  });
});
