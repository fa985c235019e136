import * as crypto from 'node:crypto';
import { displayPrefix, envDisplayPrefix, findDigest, generateSecret, hashSecret } from './api-key-secret';

// Wrap the real comparison so the spec can count calls (node:crypto's own exports cannot be spied on).
jest.mock('node:crypto', () => {
  const actual = jest.requireActual<typeof import('node:crypto')>('node:crypto');
  return { ...actual, timingSafeEqual: jest.fn(actual.timingSafeEqual) };
});

describe('client key secrets', () => {
  it('generates distinct 256-bit secrets in the mcp- format', () => {
    const secrets = new Set(Array.from({ length: 50 }, () => generateSecret()));
    expect(secrets.size).toBe(50);
    for (const secret of secrets) expect(secret).toMatch(/^mcp-[A-Za-z0-9_-]{43}$/);
  });

  it('shows 8 random characters of an admin key and little of a short env key', () => {
    expect(displayPrefix('mcp-1a2b3c4dXYZ')).toBe('mcp-1a2b3c4d');
    expect(envDisplayPrefix('abc')).toBe('');
    expect(envDisplayPrefix('sk-abcdefgh')).toBe('sk');
    expect(envDisplayPrefix('a-very-long-operator-key')).toBe('a-ve');
  });

  it('finds a digest by comparing against every candidate, without stopping at the first hit', () => {
    const compare = jest.mocked(crypto.timingSafeEqual);
    const candidates = ['one', 'two', 'three', 'four'].map(hashSecret);
    compare.mockClear();

    expect(findDigest(hashSecret('one'), candidates)).toBe(0);
    expect(compare).toHaveBeenCalledTimes(4);
    expect(findDigest(hashSecret('three'), candidates)).toBe(2);
    expect(findDigest(hashSecret('five'), candidates)).toBe(-1);
    expect(compare).toHaveBeenCalledTimes(12);
  });
});
