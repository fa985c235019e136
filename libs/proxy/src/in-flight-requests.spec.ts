import { InFlightRequests } from './in-flight-requests';

describe('InFlightRequests', () => {
  it('is drained at once when nothing is open', async () => {
    await expect(new InFlightRequests().drained()).resolves.toBeUndefined();
  });

  it('drains only when the last open request ends, and counts each end once', async () => {
    const inFlight = new InFlightRequests();
    const first = inFlight.begin();
    const second = inFlight.begin();
    let drained = false;
    const waiting = inFlight.drained().then(() => (drained = true));
    first();
    first();
    await Promise.resolve();
    expect([inFlight.count, drained]).toEqual([1, false]);
    second();
    await waiting;
    expect([inFlight.count, drained]).toEqual([0, true]);
  });
});
