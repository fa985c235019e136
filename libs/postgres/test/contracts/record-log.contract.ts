import type { StatsRecord, TraceRecord } from '@mcp/contracts';
import type { RecordLog } from '@mcp/tracing';
import { statsRecord, traceRecord } from '../builders';
import type { StoreUnderTest } from './account-repository.contract';

async function readAll<T>(log: RecordLog<T>): Promise<T[]> {
  const records: T[] = [];
  await log.readAll((record) => records.push(record));
  return records;
}

/** What TraceStore relies on from its log (PROTOCOL §10.4): appends survive a restart, in order; retain keeps the newest. */
export function traceLogContract(name: string, open: () => Promise<StoreUnderTest<RecordLog<TraceRecord>>>): void {
  describe(`trace log contract: ${name}`, () => {
    let store: StoreUnderTest<RecordLog<TraceRecord>>;

    beforeEach(async () => {
      store = await open();
    });

    afterEach(async () => {
      await store.repository.close();
      await store.cleanup();
    });

    it('gives back flushed traces in the order they were appended, bodies included', async () => {
      const traces = [traceRecord('t1'), traceRecord('t2', { status: 502, isError: true, error: 'upstream' })];
      for (const trace of traces) store.repository.append(trace);
      await store.repository.flush();
      const reopened = await store.reopen();
      expect(await readAll(reopened)).toEqual(traces);
      await reopened.close();
    });

    it('retain(n) keeps only the newest n', async () => {
      for (let i = 1; i <= 5; i++) store.repository.append(traceRecord(`t${i}`));
      await store.repository.flush();
      await store.repository.retain(2);
      const reopened = await store.reopen();
      expect((await readAll(reopened)).map((trace) => trace.id)).toEqual(['t4', 't5']);
      await reopened.close();
    });
  });
}

/** What StatsHistory relies on (PROTOCOL §10.5): every field of every record comes back, in order. */
export function historyLogContract(name: string, open: () => Promise<StoreUnderTest<RecordLog<StatsRecord>>>): void {
  describe(`stats history log contract: ${name}`, () => {
    let store: StoreUnderTest<RecordLog<StatsRecord>>;

    beforeEach(async () => {
      store = await open();
    });

    afterEach(async () => {
      await store.repository.close();
      await store.cleanup();
    });

    it('gives back every record exactly, nulls included', async () => {
      const records = [
        statsRecord('r1'),
        statsRecord('r2', {
          accountId: null,
          model: null,
          ttfbMs: null,
          costUsd: null,
          finishReason: null,
          status: 499,
        }),
        statsRecord('r3', { clientKeyId: 'key-1', finishReason: 'tool_calls', isError: true, status: 429 }),
      ];
      for (const record of records) store.repository.append(record);
      await store.repository.flush();
      const reopened = await store.reopen();
      expect(await readAll(reopened)).toEqual(records);
      await reopened.close();
    });
  });
}
