import type { StatsRecord, TraceRecord } from '@mcp/contracts';
import { describeWithPostgres, eventually } from '@mcp/testing';
import { JsonText } from '@mcp/tracing';
import { PostgresCatalogueShare } from '../src/catalogue/postgres-catalogue-share';
import { ChangeFeed } from '../src/db/change-feed';
import type { PgDatabase } from '../src/db/database';
import { PostgresRetentionJob } from '../src/jobs/retention.job';
import { PostgresFlowRepository } from '../src/oauth/postgres-flow.repository';
import { PgHistoryLog } from '../src/tracing/history-log';
import { PgTraceLog } from '../src/tracing/trace-log';
import { flow, statsRecord, traceRecord } from './builders';
import { type PgEnv, startPgEnv } from './pg-env';

describeWithPostgres('traces, stats history and housekeeping shared by replicas', () => {
  let env: PgEnv;
  let url: string;
  const feeds: ChangeFeed[] = [];

  beforeAll(async () => {
    env = await startPgEnv();
  });

  afterAll(async () => {
    await env.close();
  });

  beforeEach(async () => {
    url = await env.newDatabase();
  });

  afterEach(async () => {
    await Promise.all(feeds.splice(0).map((feed) => feed.stop()));
    await env.release();
  });

  async function replica(): Promise<{ db: PgDatabase; feed: ChangeFeed }> {
    const db = await env.open(url);
    const feed = new ChangeFeed(db);
    feeds.push(feed);
    return { db, feed };
  }

  /** Loads a log the way TraceStore / StatsHistory do: read what is stored, then follow the others. */
  async function follower<T>(log: PgTraceLog | PgHistoryLog): Promise<T[]> {
    const seen: T[] = [];
    await log.readAll((record) => seen.push(record as T));
    log.follow((record) => seen.push(record as T));
    return seen;
  }

  it('shows each replica the traces the other records, once, and never its own twice', async () => {
    const a = await replica();
    const b = await replica();
    const logA = new PgTraceLog(a.db, a.feed, 100, {});
    const logB = new PgTraceLog(b.db, b.feed, 100, {});
    logA.append(traceRecord('before-boot'));
    await logA.flush();
    const seenByB = await follower<TraceRecord>(logB);
    const seenByA = await follower<TraceRecord>(logA);
    logA.append(traceRecord('a-1'));
    logB.append(traceRecord('b-1'));
    logA.append(traceRecord('a-2'));
    await Promise.all([logA.flush(), logB.flush()]);
    await eventually(() => {
      expect(seenByB.map((t) => t.id)).toEqual(['before-boot', 'a-1', 'a-2']);
      return true;
    });
    await eventually(() => {
      expect(seenByA.map((t) => t.id)).toEqual(['before-boot', 'b-1']);
      return true;
    });
    await Promise.all([logA.close(), logB.close()]);
  });

  it('follows the stats history of other replicas with every field intact', async () => {
    const a = await replica();
    const b = await replica();
    const logA = new PgHistoryLog(a.db, a.feed, {});
    const seenByB = await follower<StatsRecord>(new PgHistoryLog(b.db, b.feed, {}));
    const record = statsRecord('r1', { clientKeyId: 'key-1', accountId: null, costUsd: null });
    logA.append(record);
    await logA.flush();
    await eventually(() => {
      expect(seenByB).toEqual([record]);
      return true;
    });
    await logA.close();
  });

  it('stores text with NUL characters instead of failing the batch', async () => {
    const { db, feed } = await replica();
    const log = new PgTraceLog(db, feed, 100, {});
    log.append(traceRecord('nul', { requestBody: { input: 'a\u0000b' }, error: 'x\u0000y' }));
    await log.flush();
    const reread: TraceRecord[] = [];
    await new PgTraceLog(db, feed, 100, {}).readAll((trace) => reread.push(trace));
    expect(reread[0]).toMatchObject({ id: 'nul', requestBody: { input: 'a\uFFFDb' }, error: 'x\uFFFDy' });
  });

  it('stores a body kept as the client text as that JSON, a NUL in it replaced as before', async () => {
    const { db, feed } = await replica();
    const log = new PgTraceLog(db, feed, 100, {});
    const text = '{"model":"m","input":"caf\\u00e9 😀 \\"q\\"","n":1.5}';
    log.append(traceRecord('text', { requestBody: new JsonText(text), error: 'x\u0000y' }));
    log.append(traceRecord('text-nul', { requestBody: new JsonText('{"input":"a\\u0000b"}') }));
    await log.flush();
    const reread: TraceRecord[] = [];
    await new PgTraceLog(db, feed, 100, {}).readAll((trace) => reread.push(trace));
    expect(reread[0]).toMatchObject({ id: 'text', requestBody: JSON.parse(text), error: 'x\uFFFDy' });
    expect(reread[1]).toMatchObject({ id: 'text-nul', requestBody: { input: 'a\uFFFDb' } });
  });

  it('keeps a write that failed buffered, and writes it on the next flush', async () => {
    const { db, feed } = await replica();
    const errors: unknown[] = [];
    const log = new PgTraceLog(db, feed, 100, { onError: (error) => errors.push(error) });
    await db.query('ALTER TABLE traces RENAME TO traces_away');
    log.append(traceRecord('t1'));
    await expect(log.flush()).rejects.toThrow();
    await db.query('ALTER TABLE traces_away RENAME TO traces');
    await log.flush();
    expect(await db.query('SELECT id FROM traces')).toEqual([{ id: 't1' }]);
  });

  it('shares a discovered model catalogue', async () => {
    const { db } = await replica();
    const share = new PostgresCatalogueShare(db);
    expect(await share.read()).toBeUndefined();
    const state = { perAccount: [['acc_1', { models: [{ slug: 'gpt-5-codex' }], etag: 'e1' }]], fetchedAt: 5 };
    share.publish(state as never);
    await share.settled();
    expect(await new PostgresCatalogueShare(await env.open(url)).read()).toEqual(state);
  });

  it('the retention pass caps traces, drops stale affinities and tidies OAuth flows', async () => {
    const { db, feed } = await replica();
    const config = env.config(url, { TRACE_RETENTION_MAX: '3', SESSION_AFFINITY_TTL_MS: '60000' });
    const log = new PgTraceLog(db, feed, 3, {});
    for (let i = 1; i <= 6; i++) log.append(traceRecord(`t${i}`));
    await log.flush();
    const now = Date.now();
    await db.query(
      `INSERT INTO session_affinity (session_hash, account_id, at, origin) VALUES ('old', 'acc', $1, 'o'), ('live', 'acc', $2, 'o')`,
      [now - 120_000, now - 1000],
    );
    const flows = new PostgresFlowRepository(db);
    const day = 24 * 3_600_000;
    await flows.save([
      flow('pending-expired', { createdAt: now - 2000, expiresAt: now - 1000 }),
      flow('old-success', { status: 'success', createdAt: now - 2 * day, completedAt: now - 2 * day }),
      flow('recent-success', { status: 'success', createdAt: now - 1000, completedAt: now - 500 }),
    ]);
    const leadership = { runIfLeader: (_job: string, task: () => Promise<void>) => task() };
    const clock = { now: () => now };
    await new PostgresRetentionJob(db, flows, config, clock, leadership).run();
    expect((await db.query('SELECT id FROM traces ORDER BY seq')).map((row) => row['id'])).toEqual(['t4', 't5', 't6']);
    expect(await db.query('SELECT session_hash FROM session_affinity')).toEqual([{ session_hash: 'live' }]);
    const kept = await flows.load();
    expect(kept.map((f) => [f.id, f.status]).sort()).toEqual([
      ['pending-expired', 'expired'],
      ['recent-success', 'success'],
    ]);
  });
});
