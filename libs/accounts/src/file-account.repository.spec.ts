import { readFileSync, writeFileSync } from 'node:fs';
import { CorruptFileError } from '@mcp/storage';
import { ENCRYPTED_PREFIX, EncryptionKeyError, FileAccountRepository } from '@mcp/accounts';
import { disposeTestConfig, testConfig } from '@mcp/testing';
import type { AppConfig } from '@mcp/config';
import { storedAccount } from '../test/builders';

const KEY = 'k'.repeat(40);
const OTHER_KEY = 'z'.repeat(40);
const SECRETS = ['access-1', 'refresh-1', 'id-1'];

describe('FileAccountRepository', () => {
  const configs: AppConfig[] = [];

  function config(env: Record<string, string | undefined>, dataDir?: string): AppConfig {
    const made = testConfig(dataDir ? { ...env, DATA_DIR: dataDir } : env);
    configs.push(made);
    return made;
  }

  afterEach(() => configs.splice(0).forEach(disposeTestConfig));

  it('loads nothing from a missing file and round-trips plain accounts', async () => {
    const repo = new FileAccountRepository(config({}));
    await expect(repo.load()).resolves.toEqual([]);
    await repo.save([storedAccount()]);
    await expect(new FileAccountRepository(configs[0] as AppConfig).load()).resolves.toEqual([storedAccount()]);
  });

  it('stores tokens encrypted under ENCRYPTION_KEY and reads them back', async () => {
    const withKey = config({ ENCRYPTION_KEY: KEY });
    await new FileAccountRepository(withKey).save([storedAccount()]);

    const text = readFileSync(withKey.storePath, 'utf8');
    for (const secret of SECRETS) expect(text).not.toContain(`"${secret}"`);
    const stored = JSON.parse(text).accounts[0];
    expect(stored.accessToken.startsWith(ENCRYPTED_PREFIX)).toBe(true);
    expect(stored.accessToken.split(':')).toHaveLength(5);
    expect(stored.email).toBe('one@example.com');

    await expect(new FileAccountRepository(withKey).load()).resolves.toEqual([storedAccount()]);
  });

  it('refuses a wrong key with a clear message and leaves the file untouched', async () => {
    const withKey = config({ ENCRYPTION_KEY: KEY });
    await new FileAccountRepository(withKey).save([storedAccount()]);
    const before = readFileSync(withKey.storePath);

    const wrong = config({ ENCRYPTION_KEY: OTHER_KEY }, withKey.dataDir);
    const failure = new FileAccountRepository(wrong).load();
    await expect(failure).rejects.toBeInstanceOf(EncryptionKeyError);
    await expect(failure).rejects.toThrow(/different ENCRYPTION_KEY.*left untouched/);
    expect(readFileSync(withKey.storePath)).toEqual(before);
  });

  it('refuses to start without a key when the file holds encrypted tokens', async () => {
    const withKey = config({ ENCRYPTION_KEY: KEY });
    await new FileAccountRepository(withKey).save([storedAccount()]);
    const noKey = config({}, withKey.dataDir);
    await expect(new FileAccountRepository(noKey).load()).rejects.toThrow(/ENCRYPTION_KEY is not set/);
  });

  it('encrypts a plaintext file at the first save after a key is configured', async () => {
    const plain = config({});
    await new FileAccountRepository(plain).save([storedAccount()]);
    const keyed = new FileAccountRepository(config({ ENCRYPTION_KEY: KEY }, plain.dataDir));
    const loaded = await keyed.load();
    expect(loaded).toEqual([storedAccount()]);
    await keyed.save(loaded);
    expect(readFileSync(plain.storePath, 'utf8')).not.toContain('"refresh-1"');
  });

  it('stops on a corrupt file instead of overwriting it', async () => {
    const conf = config({});
    writeFileSync(conf.storePath, '{"version":1,"accounts":[');
    await expect(new FileAccountRepository(conf).load()).rejects.toBeInstanceOf(CorruptFileError);
    expect(readFileSync(conf.storePath, 'utf8')).toBe('{"version":1,"accounts":[');
  });
});
