import { FakeClock } from '@mcp/testing';
import { MemoryRpmLimiter, RPM_WINDOW_MS } from './rpm-limiter';

describe('MemoryRpmLimiter', () => {
  it('admits up to the limit per key within any 60 s window', async () => {
    const clock = new FakeClock();
    const limiter = new MemoryRpmLimiter(clock);
    expect([await limiter.take('a', 3), await limiter.take('a', 3), await limiter.take('a', 3)]).toEqual([0, 0, 0]);
    expect(await limiter.take('a', 3)).toBe(RPM_WINDOW_MS);
    expect(await limiter.take('b', 3)).toBe(0);

    clock.advance(RPM_WINDOW_MS);
    expect(await limiter.take('a', 3)).toBe(0);
  });

  it('applies a lowered limit to requests already in the window', async () => {
    const clock = new FakeClock();
    const limiter = new MemoryRpmLimiter(clock);
    for (let i = 0; i < 5; i++) {
      expect(await limiter.take('a', 5)).toBe(0);
      clock.advance(1000);
    }
    // 5 requests at t=0..4 s, now t=5 s: with a limit of 2, the one at t=3 s must leave first.
    expect(await limiter.take('a', 2)).toBe(3000 + RPM_WINDOW_MS - 5000);
  });

  it('refused requests do not extend the wait', async () => {
    const clock = new FakeClock();
    const limiter = new MemoryRpmLimiter(clock);
    await limiter.take('a', 1);
    for (let i = 0; i < 10; i++) await limiter.take('a', 1);
    clock.advance(RPM_WINDOW_MS);
    expect(await limiter.take('a', 1)).toBe(0);
  });
});
