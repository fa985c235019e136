import { isoSeconds } from './routing-account';

describe('isoSeconds', () => {
  it('writes the time to the second, the milliseconds dropped (not rounded)', () => {
    expect(isoSeconds(Date.parse('2026-12-03T13:06:18.999Z'))).toBe('2026-12-03T13:06:18Z');
    expect(isoSeconds(Date.parse('2026-12-03T13:06:18.000Z'))).toBe('2026-12-03T13:06:18Z');
  });

  it('gives the same text when asked again, and the right one for each of many seconds', () => {
    const start = Date.parse('2026-01-01T00:00:00Z');
    for (let i = 0; i < 600; i += 1) {
      expect(isoSeconds(start + i * 1000 + 500)).toBe(new Date(start + i * 1000).toISOString().replace('.000Z', 'Z'));
    }
    expect(isoSeconds(start + 1500)).toBe('2026-01-01T00:00:01Z');
  });

  it('handles times before 1970 and after 9999', () => {
    expect(isoSeconds(-1500)).toBe('1969-12-31T23:59:58Z');
    expect(isoSeconds(8.64e15)).toBe('+275760-09-13T00:00:00Z');
  });

  it('throws for a time that is not one', () => {
    expect(() => isoSeconds(Number.NaN)).toThrow(RangeError);
  });
});
