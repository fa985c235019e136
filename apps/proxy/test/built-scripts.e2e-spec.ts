import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createServer } from 'node:net';
import { tempDir, type TempDir } from '@mcp/testing';
import { cleanEnv, ensureBuilt, ROOT, run, startProxyProcess, waitFor, type Running } from './helpers/processes';

/** A free loopback port for scripts that print a fixed URL (the demo). */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** The environment of a process's children (Linux /proc), which is what the proxy that `npm start` spawns runs with. */
function childEnvironments(pid: number): Record<string, string>[] {
  const children = readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean);
  return children.map((child) =>
    Object.fromEntries(
      readFileSync(`/proc/${child}/environ`, 'utf8')
        .split('\0')
        .filter(Boolean)
        .map((pair) => [pair.slice(0, pair.indexOf('=')), pair.slice(pair.indexOf('=') + 1)]),
    ),
  );
}

/**
 * Every npm script and helper that names a built file, run as a user runs it: `npm start` (scripts/start.mjs),
 * `npm run fake-chatgpt`, `npm run demo` (`npm run start:prod` is in startup.e2e-spec.ts).
 */
describe('scripts that run the build', () => {
  let data: TempDir;
  const running: Running[] = [];

  beforeAll(() => ensureBuilt('proxy', 'fake', 'dashboard'), 300_000);
  beforeEach(() => {
    data = tempDir('mcp-scripts-');
  });
  afterEach(async () => {
    await Promise.all(running.splice(0).map((p) => p.stop()));
    data.cleanup();
  });

  it('npm start serves the proxy from its build and stops on SIGTERM', async () => {
    // npm start rebuilds what changed first: allow for a build when specs run straight after an edit.
    const proxy = await startProxyProcess(
      process.execPath,
      ['scripts/start.mjs'],
      { cwd: ROOT, env: cleanEnv({ DATA_DIR: data.path }) },
      85_000,
    );
    running.push(proxy);
    expect((await fetch(`${proxy.url}/health`)).status).toBe(200);
    // The proxy runs with the launch environment the image sets too (glibc reads it at process start).
    const launch = JSON.parse(readFileSync(join(ROOT, 'scripts/launch-env.json'), 'utf8')) as Record<string, string>;
    expect(childEnvironments(proxy.child.pid!)).toEqual([expect.objectContaining(launch)]);
    expect(await proxy.stop()).toBe(0);
  }, 90_000);

  it('npm run fake-chatgpt prints the URL it listens on', async () => {
    const fake = run('npm', ['run', '--silent', 'fake-chatgpt', '--', '--port', '0'], { cwd: ROOT, env: cleanEnv({}) });
    running.push(fake);
    const url = await waitFor(fake, (out) => /^(http:\/\/127\.0\.0\.1:\d+)$/m.exec(out)?.[1]);
    const token = await fetch(`${url}/oauth/token`, { method: 'POST', body: '{}' });
    expect(token.status).toBeGreaterThanOrEqual(400); // the emulator answered: a bad grant, not a closed port
  });

  describe('npm run demo', () => {
    const demo = (port: number): Running => {
      const proc = run(process.execPath, ['scripts/demo.mjs'], { cwd: ROOT, env: cleanEnv({ PORT: String(port) }) });
      running.push(proc);
      return proc;
    };
    const ready = (proc: Running) => waitFor(proc, (out) => /\[demo\] Data: +(\S+)/.exec(out)?.[1], 60_000);

    it('runs twice side by side, each on its own data directory, and removes only its own', async () => {
      const [portA, portB] = [await freePort(), await freePort()];
      const a = demo(portA);
      const dirA = await ready(a);
      const b = demo(portB);
      const dirB = await ready(b);
      expect(dirB).not.toBe(dirA);
      for (const port of [portA, portB]) {
        const models = await fetch(`http://127.0.0.1:${port}/v1/models`);
        expect(models.status).toBe(200);
      }
      expect(await b.stop()).toBe(0);
      expect(existsSync(dirB)).toBe(false);
      expect(existsSync(dirA)).toBe(true);
      expect((await fetch(`http://127.0.0.1:${portA}/health`)).status).toBe(200);
    }, 90_000);

    it('a second demo on a busy port refuses in one line and leaves the first one alone', async () => {
      const port = await freePort();
      const first = demo(port);
      const dirA = await ready(first);
      const second = demo(port);
      expect(await second.exited).toBe(1);
      expect(second.stderr()).toContain(`PORT ${port} is already in use`);
      expect(existsSync(dirA)).toBe(true);
      expect((await fetch(`http://127.0.0.1:${port}/health`)).status).toBe(200);
    }, 90_000);
  });
});
