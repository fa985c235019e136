import { SessionAffinity } from './session-affinity';

describe('SessionAffinity (PROTOCOL §7.3)', () => {
  it('returns the account that last served a session within the TTL', () => {
    const affinity = new SessionAffinity(1000);
    affinity.remember('s1', 'acc_a', 0);
    expect(affinity.lookup('s1', 999)).toBe('acc_a');
    affinity.remember('s1', 'acc_b', 500);
    expect(affinity.lookup('s1', 1400)).toBe('acc_b');
  });

  it('forgets a session once the TTL has passed since its last success', () => {
    const affinity = new SessionAffinity(1000);
    affinity.remember('s1', 'acc_a', 0);
    expect(affinity.lookup('s1', 1000)).toBeUndefined();
    expect(affinity.size).toBe(0);
  });

  it('is off when the TTL is 0', () => {
    const affinity = new SessionAffinity(0);
    affinity.remember('s1', 'acc_a', 0);
    expect(affinity.enabled).toBe(false);
    expect(affinity.lookup('s1', 0)).toBeUndefined();
  });

  it('ignores requests without a session key', () => {
    const affinity = new SessionAffinity(1000);
    affinity.remember(undefined, 'acc_a', 0);
    expect(affinity.size).toBe(0);
  });

  it('stays bounded, dropping the least recently used session', () => {
    const affinity = new SessionAffinity(10_000, 3);
    affinity.remember('s1', 'a', 0);
    affinity.remember('s2', 'a', 1);
    affinity.remember('s3', 'a', 2);
    affinity.lookup('s1', 3);
    affinity.remember('s4', 'a', 4);
    expect(affinity.size).toBe(3);
    expect(affinity.lookup('s2', 5)).toBeUndefined();
    expect(affinity.lookup('s1', 5)).toBe('a');
  });

  it('drops the sessions of a removed account', () => {
    const affinity = new SessionAffinity(10_000);
    affinity.remember('s1', 'a', 0);
    affinity.remember('s2', 'b', 0);
    affinity.forgetAccount('a');
    expect(affinity.lookup('s1', 1)).toBeUndefined();
    expect(affinity.lookup('s2', 1)).toBe('b');
  });
});
