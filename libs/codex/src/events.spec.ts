import { eventData, missingSuffix, withSuffix } from './events';

describe('event helpers', () => {
  it('unwraps the parser wrapper but not an event that happens to have a data field', () => {
    const data = { type: 'x', a: 1 };
    expect(eventData({ type: 'x', data, raw: '{}' })).toBe(data);
    const plain = { type: 'y', data: { other: true } };
    expect(eventData(plain)).toBe(plain);
    expect(eventData('nope')).toBeUndefined();
  });

  it.each<[string, string | undefined, string, string]>([
    ['', 'Hello', 'Hello', 'Hello'],
    ['Hel', 'Hello', 'Hello', 'lo'],
    ['Hello', 'Hello', 'Hello', ''],
    ['Hello', undefined, 'Hello', ''],
    ['Streamed', 'Different', 'Streamed', ''],
    ['Hello world', 'Hello', 'Hello world', ''],
  ])('streamed %p + full %p → %p, missing %p', (streamed, full, merged, missing) => {
    expect(withSuffix(streamed, full)).toBe(merged);
    expect(missingSuffix(streamed, full)).toBe(missing);
  });
});
