import { describeWithPostgres, eventually } from '@mcp/testing';
import { PostgresRefreshLock } from '../src/accounts/refresh-lock';
import { ChangeFeed } from '../src/db/change-feed';
import { PgDatabase } from '../src/db/database';
import { runMigrations } from '../src/db/migrator';
import { MIGRATIONS } from '../src/db/migrations';
import { PostgresLeadership } from '../src/jobs/leadership';
import { account } from './builders';
import { MemoryReplica } from './memory-replica';
import { type PgEnv, startPgEnv } from './pg-env';

function gate(): { promise: Promise<void>; open: () => void } {
  let open!: () => void;
  const promise = new Promise<void>((resolve) => (open = resolve));
  return { promise, open };
}

describeWithPostgres('coordination between replicas', () => {
  let env: PgEnv;
  let url: string;

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
    await env.release();
  });

  const sql = (query: string) => env.cluster.query(query, new URL(url).pathname.slice(1));

  describe('refresh lock', () => {
    async function replicaWithLock(): Promise<{ replica: MemoryReplica; lock: PostgresRefreshLock }> {
      const replica = await new MemoryReplica(await env.open(url), env.config(url)).start();
      return { replica, lock: new PostgresRefreshLock(await env.open(url), replica.repository) };
    }

    /** What TokenService does under the lock: refresh only if nobody rotated the token meanwhile. */
    function refreshUnderLock(
      side: { replica: MemoryReplica; lock: PostgresRefreshLock },
      upstream: { calls: number; held?: Promise<void> },
    ): Promise<string> {
      const spent = side.replica.get('acc_1')?.refreshToken;
      return side.lock.exclusive('acc_1', async () => {
        const current = side.replica.get('acc_1')!;
        if (current.refreshToken !== spent) return current.accessToken;
        upstream.calls += 1;
        await upstream.held;
        const generation = upstream.calls;
        await side.replica.edit('acc_1', (acc) => {
          acc.accessToken = `access-${generation}`;
          acc.refreshToken = `refresh-${generation}`;
        });
        return `access-${generation}`;
      });
    }

    it('lets one replica refresh; the one that waited reads the rotated token instead of refreshing', async () => {
      const seed = await new MemoryReplica(await env.open(url), env.config(url)).start();
      await seed.add(account('acc_1'));
      const a = await replicaWithLock();
      const b = await replicaWithLock();
      const held = gate();
      const upstream = { calls: 0, held: held.promise };
      const first = refreshUnderLock(a, upstream);
      await eventually(() => {
        expect(upstream.calls).toBe(1);
        return true;
      });
      const second = refreshUnderLock(b, upstream);
      await eventually(async () => {
        const waiting = await sql("SELECT 1 FROM pg_locks WHERE locktype = 'advisory' AND NOT granted");
        expect(waiting).toHaveLength(1);
        return true;
      });
      held.open();
      expect(await Promise.all([first, second])).toEqual(['access-1', 'access-1']);
      expect(upstream.calls).toBe(1);
      expect(b.replica.get('acc_1')?.refreshToken).toBe('refresh-1');
    });

    it('releases the lock when the refresh fails, and locks accounts independently', async () => {
      const seed = await new MemoryReplica(await env.open(url), env.config(url)).start();
      await seed.add(account('acc_1'));
      await seed.add(account('acc_2'));
      const a = await replicaWithLock();
      const b = await replicaWithLock();
      await expect(a.lock.exclusive('acc_1', () => Promise.reject(new Error('token endpoint down')))).rejects.toThrow(
        'token endpoint down',
      );
      const held = gate();
      const holding = a.lock.exclusive('acc_1', () => held.promise);
      expect(await b.lock.exclusive('acc_2', async () => 'other account')).toBe('other account');
      held.open();
      await holding;
      expect(await b.lock.exclusive('acc_1', async () => 'free again')).toBe('free again');
    });
  });

  describe('job leadership', () => {
    it('runs a job on one replica only, and hands it over when the leader stops', async () => {
      const one = new PostgresLeadership(await env.open(url));
      const two = new PostgresLeadership(await env.open(url));
      const runs: string[] = [];
      for (let tick = 0; tick < 3; tick++) {
        await one.runIfLeader('usage-probe', async () => void runs.push('one'));
        await two.runIfLeader('usage-probe', async () => void runs.push('two'));
      }
      expect(runs).toEqual(['one', 'one', 'one']);
      await one.onModuleDestroy();
      await two.runIfLeader('usage-probe', async () => void runs.push('two'));
      expect(runs.at(-1)).toBe('two');
      await two.onModuleDestroy();
    });

    it('hands a job over when the leader’s database session dies (a crashed replica)', async () => {
      const db = await env.open(url);
      const one = new PostgresLeadership(db);
      const two = new PostgresLeadership(await env.open(url));
      await one.runIfLeader('retention', async () => undefined);
      expect(one.leads('retention')).toBe(true);
      await sql(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity
                 WHERE application_name = 'multicodex ${db.origin}' AND query LIKE '%pg_try_advisory_lock%'`);
      await eventually(() => {
        expect(one.leads('retention')).toBe(false);
        return true;
      });
      let ran = false;
      await two.runIfLeader('retention', async () => void (ran = true));
      expect(ran).toBe(true);
      await Promise.all([one.onModuleDestroy(), two.onModuleDestroy()]);
    });
  });

  describe('change feed', () => {
    it('reconnects after losing its connection, asks for a resync, and delivers again', async () => {
      const listener = await env.open(url);
      const writer = await env.open(url);
      const feed = new ChangeFeed(listener);
      const seen: string[] = [];
      let resyncs = 0;
      await feed.subscribe('api_keys', { onChange: (c) => void seen.push(c.id ?? ''), onResync: () => void resyncs++ });
      const notify = (id: string) =>
        writer.query('SELECT pg_notify($1, $2)', [
          'mcp_changes',
          JSON.stringify({ topic: 'api_keys', origin: 'x', id }),
        ]);
      await notify('k1');
      await eventually(() => {
        expect(seen).toEqual(['k1']);
        return true;
      });
      await sql(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity
                 WHERE application_name = 'multicodex ${listener.origin}' AND query LIKE 'LISTEN%'`);
      await eventually(() => {
        expect(resyncs).toBe(1);
        return true;
      });
      await notify('k2');
      await eventually(() => {
        expect(seen).toEqual(['k1', 'k2']);
        return true;
      });
      await feed.stop();
    });

    it('never delivers a replica its own notifications', async () => {
      const db = await env.open(url);
      const feed = new ChangeFeed(db);
      const seen: string[] = [];
      await feed.subscribe('api_keys', { onChange: (c) => void seen.push(c.origin), onResync: () => undefined });
      const send = (origin: string) =>
        db.query('SELECT pg_notify($1, $2)', ['mcp_changes', JSON.stringify({ topic: 'api_keys', origin })]);
      await send(db.origin);
      await send('another-replica');
      await eventually(() => {
        expect(seen).toEqual(['another-replica']);
        return true;
      });
      await feed.stop();
    });
  });

  describe('migrations', () => {
    it('run once when several replicas boot together', async () => {
      await Promise.all([env.open(url), env.open(url), env.open(url)]);
      expect(await sql('SELECT version FROM schema_migrations ORDER BY version')).toEqual(
        MIGRATIONS.map(({ version }) => ({ version })),
      );
    });

    it('roll back a failing migration and name it; the database stays at the previous version', async () => {
      const db = await env.open(url);
      const next = MIGRATIONS.length + 1;
      const broken = [...MIGRATIONS, { version: next, name: 'broken', sql: 'CREATE TABLE accounts (id text)' }];
      await expect(runMigrations(db.pool, broken)).rejects.toThrow(new RegExp(`Migration ${next} \\(broken\\) failed`));
      expect(await sql('SELECT version FROM schema_migrations ORDER BY version')).toEqual(
        MIGRATIONS.map(({ version }) => ({ version })),
      );
    });

    it('refuse a database migrated by a newer build', async () => {
      await env.open(url);
      await sql("INSERT INTO schema_migrations (version, name) VALUES (99, 'from the future')");
      await expect(PgDatabase.open({ url })).rejects.toThrow(/newer than this build knows/);
    });
  });
});
