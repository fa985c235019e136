import { EncryptionKeyError } from '@mcp/accounts';
import { describeWithPostgres, eventually } from '@mcp/testing';
import { ChangeFeed } from '../src/db/change-feed';
import { account } from './builders';
import { MemoryReplica } from './memory-replica';
import { type PgEnv, startPgEnv } from './pg-env';

const KEY = 'an-encryption-key-of-at-least-32-chars';

/** Polls until `check` passes (a notification is on its way); fails after 5 s. */
describeWithPostgres('accounts shared by several replicas', () => {
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

  async function replica(extraEnv: Record<string, string> = {}): Promise<MemoryReplica> {
    return new MemoryReplica(await env.open(url), env.config(url, extraEnv)).start();
  }

  async function seeded(): Promise<[MemoryReplica, MemoryReplica]> {
    const a = await replica();
    await a.add(account('acc_1'));
    await a.add(account('acc_2'));
    return [a, await replica()];
  }

  it('keeps both replicas’ edits of one account: a block from A survives B’s stale save', async () => {
    const [a, b] = await seeded();
    await a.edit('acc_1', (acc) => {
      acc.state.blockedUntil = 2_000_000_000_000;
      acc.state.blockKind = 'quota';
    });
    await b.edit('acc_1', (acc) => (acc.state.lastSelectedAt = 123));
    const stored = (await (await replica()).repository.load()).find((acc) => acc.id === 'acc_1');
    expect(stored?.state).toMatchObject({ blockedUntil: 2_000_000_000_000, blockKind: 'quota', lastSelectedAt: 123 });
    // B's own copy took A's block on board when its save found the row had moved on.
    expect(b.get('acc_1')?.state.blockKind).toBe('quota');
  });

  it('brings a replica’s working copy up to date on refresh, keeping its unsaved edits', async () => {
    const [a, b] = await seeded();
    await a.edit('acc_2', (acc) => (acc.label = 'renamed on A'));
    const unsaved = b.get('acc_2');
    b.adoptStored('acc_2', { ...unsaved!, priority: 7 }); // an edit B has not saved yet
    await b.repository.refresh(['acc_2']);
    expect(b.get('acc_2')).toMatchObject({ label: 'renamed on A', priority: 7 });
  });

  it('a deletion wins: B’s later edit does not bring back an account A deleted', async () => {
    const [a, b] = await seeded();
    await a.remove('acc_2');
    await b.edit('acc_2', (acc) => (acc.label = 'edited on B'));
    expect((await (await replica()).repository.load()).map((acc) => acc.id)).toEqual(['acc_1']);
    expect(b.get('acc_2')).toBeUndefined();
  });

  it('never deletes an account a replica has not seen yet', async () => {
    const [a, b] = await seeded();
    await a.add(account('acc_3'));
    await b.edit('acc_1', (acc) => (acc.priority = 2));
    expect((await (await replica()).repository.load()).map((acc) => acc.id)).toEqual(['acc_1', 'acc_2', 'acc_3']);
  });

  it('delivers a change to the other replicas through the change feed', async () => {
    const [a, b] = await seeded();
    const feed = new ChangeFeed(await env.open(url));
    await feed.subscribe('accounts', {
      onChange: (change) => void b.repository.refresh(change.id ? [change.id] : undefined),
      onResync: () => undefined,
    });
    await a.edit('acc_1', (acc) => (acc.refreshToken = 'rotated-on-A'));
    await eventually(() => {
      expect(b.get('acc_1')?.refreshToken).toBe('rotated-on-A');
      return true;
    });
    await feed.stop();
  });

  describe('with ENCRYPTION_KEY', () => {
    it('stores no token in clear, and every replica with the key reads them', async () => {
      const a = await replica({ ENCRYPTION_KEY: KEY });
      await a.add(account('acc_1', { accessToken: 'secret-access', refreshToken: 'secret-refresh' }));
      const raw = JSON.stringify(await env.cluster.query('SELECT doc FROM accounts', dbName(url)));
      expect(raw).not.toContain('secret-access');
      expect(raw).not.toContain('secret-refresh');
      expect((await replica({ ENCRYPTION_KEY: KEY })).get('acc_1')?.refreshToken).toBe('secret-refresh');
    });

    it('refuses to start with another key or without one, leaving the rows untouched', async () => {
      const a = await replica({ ENCRYPTION_KEY: KEY });
      await a.add(account('acc_1'));
      const before = await env.cluster.query('SELECT doc, version FROM accounts', dbName(url));
      await expect(replica({ ENCRYPTION_KEY: 'another-key-that-is-also-32-chars-long' })).rejects.toThrow(
        EncryptionKeyError,
      );
      await expect(replica()).rejects.toThrow(/ENCRYPTION_KEY is not set/);
      expect(await env.cluster.query('SELECT doc, version FROM accounts', dbName(url))).toEqual(before);
    });
  });
});

function dbName(url: string): string {
  return new URL(url).pathname.slice(1);
}
