import { spawnSync } from 'node:child_process';
import { chmodSync, chownSync, cpSync, existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { hostname } from 'node:os';
import { dirname, join } from 'node:path';
import { TokenCipher } from '@mcp/accounts';
import { tempDir, type TempDir } from '@mcp/testing';
import { bootFailure, cleanEnv, ensureBuilt, PROXY_MAIN, ROOT, startProxyProcess } from './helpers/processes';

/**
 * The built proxy as an operator starts it (`node dist/apps/proxy/src/main.js`, `npm run start:prod`): every way
 * boot can fail is one line on stderr naming the cause and the variable to change, with a non-zero exit; one
 * process owns a data directory.
 */
describe('starting the built proxy', () => {
  let data: TempDir;

  beforeAll(() => ensureBuilt('proxy', 'dashboard'), 300_000);
  beforeEach(() => {
    data = tempDir('mcp-startup-');
  });
  afterEach(() => data.cleanup());

  const node = (env: Record<string, string>, cwd = ROOT) =>
    startProxyProcess(process.execPath, [PROXY_MAIN], { cwd, env: cleanEnv({ DATA_DIR: data.path, ...env }) });

  it('npm run start:prod serves /health, and SIGTERM releases the data directory', async () => {
    const proxy = await startProxyProcess('npm', ['run', 'start:prod', '--silent'], {
      cwd: ROOT,
      env: cleanEnv({ DATA_DIR: data.path }),
    });
    try {
      expect((await fetch(`${proxy.url}/health`)).status).toBe(200);
      // The lock names the proxy itself (npm's child): SIGTERM to it is what a process manager sends.
      const { pid } = JSON.parse(readFileSync(join(data.path, '.lock'), 'utf8')) as { pid: number };
      process.kill(pid, 'SIGTERM');
      expect(await proxy.exited).toBe(0);
      expect(existsSync(join(data.path, '.lock'))).toBe(false);
    } finally {
      await proxy.stop();
    }
  });

  it('serves the dashboard at / when started from another working directory', async () => {
    const proxy = await node({}, data.path);
    try {
      const page = await fetch(`${proxy.url}/`, { headers: { accept: 'text/html' } });
      expect(page.status).toBe(200);
      expect(await page.text()).toContain('<title>MultiCodex Proxy');
    } finally {
      await proxy.stop();
    }
  });

  describe('one process per data directory', () => {
    it('refuses a second process with one line naming the directory and the owner pid', async () => {
      const first = await node({});
      try {
        const second = await bootFailure({ DATA_DIR: data.path });
        expect(second.code).toBe(1);
        expect(second.stderr).toEqual([
          expect.stringContaining(
            `DATA_DIR ${data.path} is in use by another MultiCodex Proxy (pid ${first.child.pid}`,
          ),
        ]);
        expect((await fetch(`${first.url}/health`)).status).toBe(200);
      } finally {
        await first.stop();
      }
    });

    it('takes over the lock a crashed process left behind', async () => {
      const gone = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']);
      const deadPid = Number(gone.stdout.toString());
      writeFileSync(
        join(data.path, '.lock'),
        JSON.stringify({ pid: deadPid, hostname: hostname(), startedAt: 'earlier', token: 't' }),
      );
      const proxy = await node({});
      try {
        expect((await fetch(`${proxy.url}/health`)).status).toBe(200);
        expect(JSON.parse(readFileSync(join(data.path, '.lock'), 'utf8'))).toMatchObject({ pid: proxy.child.pid });
      } finally {
        await proxy.stop();
      }
    });

    it('lets go of the lock when killed, so the next start succeeds', async () => {
      const first = await node({});
      first.child.kill('SIGKILL');
      await first.exited;
      const next = await node({});
      expect((await fetch(`${next.url}/health`)).status).toBe(200);
      await next.stop();
    });
  });

  describe('startup failures: one line, the variable to change, a non-zero exit', () => {
    let busy: Server | undefined;
    afterEach(() => busy?.close());

    const fails = (env: Record<string, string>) => bootFailure({ DATA_DIR: data.path, ...env });

    it.each([
      [{ PORT: 'abc' }, 'Invalid configuration: PORT must be a whole number (got "abc")'],
      [{ HOST: '999.1.1.1' }, 'Invalid configuration: HOST must be an IP address'],
      [{ HOST: '192.0.2.1' }, 'HOST 192.0.2.1 is not an address of this machine (EADDRNOTAVAIL)'],
      [{ ENCRYPTION_KEY: 'short' }, 'ENCRYPTION_KEY must be at least 32 characters'],
    ])('%j', async (env, line) => {
      const { code, stderr } = await fails(env);
      expect(code).toBe(1);
      expect(stderr).toEqual([expect.stringContaining(line)]);
    });

    it('a port already in use names PORT', async () => {
      busy = createServer();
      await new Promise<void>((r) => busy!.listen(0, '127.0.0.1', r));
      const port = (busy.address() as { port: number }).port;
      const { code, stderr } = await fails({ PORT: String(port) });
      expect(code).toBe(1);
      expect(stderr).toEqual([
        `PORT ${port} is already in use on 127.0.0.1 (another process listens there): stop it, or set PORT to a free port`,
      ]);
    });

    it('an unwritable store path names STORE_PATH', async () => {
      writeFileSync(join(data.path, 'a-file'), '');
      const { code, stderr } = await fails({ STORE_PATH: join(data.path, 'a-file', 'accounts.json') });
      expect(code).toBe(1);
      expect(stderr).toEqual([
        expect.stringMatching(/^Cannot use .*a-file .*: set STORE_PATH to a writable location$/),
      ]);
    });

    it('a data file this user may not open names the file, the user and the variable', async () => {
      const file = join(data.path, 'accounts.json');
      writeFileSync(file, '{"version":1,"accounts":[]}', { mode: 0o600 });
      // As root, run as nobody against root's file (a volume written by an earlier root container); else chmod 000.
      const asRoot = process.getuid?.() === 0;
      if (asRoot) {
        chownSync(data.path, 65534, 65534);
        letOthersTraverse(ROOT);
      } else chmodSync(file, 0);
      const prefix = asRoot ? ['setpriv', '--reuid=65534', '--regid=65534', '--clear-groups', '--'] : [];
      const { code, stderr } = await bootFailure({ DATA_DIR: data.path }, ROOT, prefix);
      expect(code).toBe(1);
      const uid = asRoot ? 65534 : process.getuid?.();
      expect(stderr).toEqual([
        `Cannot use ${file} (EACCES, during open): make it readable and writable by this user (uid ${uid}), or set STORE_PATH (or DATA_DIR) elsewhere`,
      ]);
    });

    it('a wrong ENCRYPTION_KEY names the variable and leaves the file untouched', async () => {
      const cipher = await TokenCipher.create('the-key-the-file-was-written-with-0123456789');
      const doc = JSON.stringify({ version: 1, encryption: cipher.header, accounts: [] });
      writeFileSync(join(data.path, 'accounts.json'), doc);
      const { code, stderr } = await fails({ ENCRYPTION_KEY: 'another-key-of-at-least-32-characters-0123' });
      expect(code).toBe(1);
      expect(stderr).toEqual([expect.stringContaining('was encrypted with a different ENCRYPTION_KEY')]);
      expect(stderr[0]).toContain('Set ENCRYPTION_KEY to the key used when the file was written');
      expect(readFileSync(join(data.path, 'accounts.json'), 'utf8')).toBe(doc);
    });

    it('missing production dependencies are one line saying how to reinstall them', async () => {
      // The build without node_modules (nothing above the temp dir has one either).
      const app = join(data.path, 'app');
      for (const dir of ['dist/apps/proxy', 'dist/libs']) cpSync(join(ROOT, dir), join(app, dir), { recursive: true });
      const run = spawnSync(process.execPath, ['dist/apps/proxy/src/main.js'], {
        cwd: app,
        env: cleanEnv({ DATA_DIR: join(data.path, 'data') }),
        encoding: 'utf8',
      });
      expect(run.status).toBe(1);
      expect(run.stderr.split('\n').filter(Boolean)).toEqual([
        "Cannot start: Cannot find module 'reflect-metadata': the installed dependencies are incomplete (reinstall them: npm ci --omit=dev)",
      ]);
    });

    it('a malformed PRICING_JSON names the variable', async () => {
      const { code, stderr } = await fails({ PRICING_JSON: '{not json' });
      expect(code).toBe(1);
      expect(stderr).toEqual([expect.stringContaining('PRICING_JSON')]);
    });
  });
});

/**
 * nobody must reach the built files: a checkout under a private folder (mktemp -d is 0700, as in CI's fresh
 * clone) would make the run fail with MODULE_NOT_FOUND instead of the EACCES under test. Adds o+x (search
 * only, no listing) to the ancestors that lack it.
 */
function letOthersTraverse(dir: string): void {
  for (let at = dir; at !== dirname(at); at = dirname(at)) {
    const mode = statSync(at).mode;
    if ((mode & 0o001) === 0) chmodSync(at, (mode & 0o7777) | 0o001);
  }
}
