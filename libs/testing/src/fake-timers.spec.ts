import { FakeClock } from './fake-clock';
import { FakeTimers } from './fake-timers';

describe('FakeTimers', () => {
  it('wakes a sleep when the clock passes its time, never before', async () => {
    const clock = new FakeClock();
    const timers = new FakeTimers(clock);
    const woke: number[] = [];
    void timers.sleep(1000).then(() => woke.push(clock.now()));
    void timers.sleep(60_000).then(() => woke.push(clock.now()));
    expect(timers.pending).toBe(2);
    clock.advance(999);
    await Promise.resolve();
    expect(woke).toEqual([]);
    clock.advance(1);
    await Promise.resolve();
    expect(woke).toEqual([clock.now()]);
    clock.set(clock.now() + 3_600_000);
    await Promise.resolve();
    expect(woke).toHaveLength(2);
    expect(timers.pending).toBe(0);
  });

  it('rejects with the abort reason and forgets the sleep', async () => {
    const timers = new FakeTimers(new FakeClock());
    const abort = new AbortController();
    const sleeping = timers.sleep(1000, abort.signal);
    abort.abort(new Error('gone'));
    await expect(sleeping).rejects.toThrow('gone');
    expect(timers.pending).toBe(0);
  });

  it('draws the same jitter for the same seed', () => {
    const a = new FakeTimers(new FakeClock(), 42);
    const b = new FakeTimers(new FakeClock(), 42);
    const draws = [a.random(), a.random(), a.random()];
    expect([b.random(), b.random(), b.random()]).toEqual(draws);
    for (const d of draws) expect(d >= 0 && d < 1).toBe(true);
  });
});
