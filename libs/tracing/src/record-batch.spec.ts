import { RecordBatch } from './record-batch';

describe('RecordBatch', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  /** Items are numbers that weigh what they say. */
  function batchOf(
    maxItems: number,
    maxDelayMs: number,
    maxBytes = 1_000,
  ): { batch: RecordBatch<number>; handed: number[][] } {
    const handed: number[][] = [];
    const batch = new RecordBatch<number>(
      (items) => handed.push([...items]),
      { maxItems, maxBytes, maxDelayMs },
      (n) => n,
    );
    return { batch, handed };
  }

  it('hands a full batch over at once, in the order the items came', () => {
    const { batch, handed } = batchOf(3, 20);
    [1, 2, 3, 4].forEach((n) => batch.push(n));
    expect(handed).toEqual([[1, 2, 3]]);
    expect(batch.size).toBe(1);
  });

  it('hands a batch over once what it holds weighs maxBytes, and starts counting again', () => {
    const { batch, handed } = batchOf(32, 20, 100);
    [10, 30, 59].forEach((n) => batch.push(n));
    expect(handed).toEqual([]);
    batch.push(1);
    expect(handed).toEqual([[10, 30, 59, 1]]);
    batch.push(99);
    expect(handed).toEqual([[10, 30, 59, 1]]);
    batch.push(100);
    expect(handed).toEqual([
      [10, 30, 59, 1],
      [99, 100],
    ]);
  });

  it('hands a partial batch over once the delay has passed since its first item', () => {
    const { batch, handed } = batchOf(32, 20);
    batch.push(1);
    jest.advanceTimersByTime(10);
    batch.push(2);
    jest.advanceTimersByTime(9);
    expect(handed).toEqual([]);
    jest.advanceTimersByTime(1);
    expect(handed).toEqual([[1, 2]]);
    // The next item starts a new wait.
    batch.push(3);
    jest.advanceTimersByTime(20);
    expect(handed).toEqual([[1, 2], [3]]);
  });

  it('drains on demand, and a drain with nothing pending hands nothing over', () => {
    const { batch, handed } = batchOf(32, 20);
    batch.drain();
    batch.push(7);
    batch.drain();
    expect(handed).toEqual([[7]]);
    // The drained batch's timer is gone: nothing is handed over twice.
    jest.advanceTimersByTime(100);
    expect(handed).toEqual([[7]]);
  });
});
