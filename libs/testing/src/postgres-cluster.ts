import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Client } from 'pg';
import { describeWith } from './prerequisites';

// A throwaway PostgreSQL cluster (initdb + pg_ctl in a temp dir) for the specs that need a real database.

const run = promisify(execFile);
const SEARCH_ROOT = '/usr/lib/postgresql';
/** initdb refuses to run as root: a root test run starts the cluster as this user. */
const SERVICE_USER = 'postgres';

interface Binaries {
  dir: string;
  /** Prefix that runs a command as the service user when we are root. */
  asUser: string[];
}

/** Where initdb and pg_ctl are, newest major version first; the reason when unusable. */
function findBinaries(): Binaries | string {
  const versions = existsSync(SEARCH_ROOT) ? readdirSync(SEARCH_ROOT).sort((a, b) => Number(b) - Number(a)) : [];
  const dir = versions.map((v) => join(SEARCH_ROOT, v, 'bin')).find((d) => existsSync(join(d, 'initdb')));
  if (!dir) return `no PostgreSQL server binaries (initdb, pg_ctl) under ${SEARCH_ROOT}`;
  if (userInfo().uid !== 0) return { dir, asUser: [] };
  if (!existsSync('/usr/sbin/runuser') && !existsSync('/sbin/runuser')) return 'running as root without runuser';
  if (uidOf(SERVICE_USER) === undefined)
    return `running as root and there is no "${SERVICE_USER}" user to run initdb as`;
  return { dir, asUser: ['runuser', '-u', SERVICE_USER, '--'] };
}

const binaries = findBinaries();

/** Why the PostgreSQL specs cannot run here, or undefined when they can. */
export const postgresUnavailable: string | undefined = typeof binaries === 'string' ? binaries : undefined;

/** `describe` for specs that need a real PostgreSQL: skipped with one line where it is missing, a failure in CI. */
export function describeWithPostgres(name: string, body: () => void): void {
  describeWith('postgres', name)(name, body);
}

export interface PgCluster {
  port: number;
  /** A connection string for `database` as `user` (default: the superuser on the default database). */
  url(database?: string, user?: string): string;
  /** A fresh, empty database; returns its connection string. */
  createDatabase(name?: string): Promise<string>;
  /** Runs SQL as the superuser on `database` (default `postgres`). */
  query(sql: string, database?: string): Promise<Record<string, unknown>[]>;
  /** Stops the server at once and deletes its directory. */
  stop(): Promise<void>;
}

let databaseCounter = 0;

/**
 * A detached shell that stops the cluster and deletes its directory once this process is gone,
 * so a crashed Jest worker (no afterAll) leaves no server behind. Stopped by stop() otherwise.
 */
function watchdog(stopCommand: string[], root: string): ChildProcess {
  const quoted = [...stopCommand.map((arg) => `'${arg}'`), '>/dev/null 2>&1'].join(' ');
  const script = `while kill -0 ${process.pid} 2>/dev/null; do sleep 1; done; ${quoted}; rm -rf '${root}'`;
  const child = spawn('sh', ['-c', script], { detached: true, stdio: 'ignore' });
  child.unref();
  return child;
}

/** A throwaway cluster in a temp directory on a free loopback port (trust authentication, no fsync). */
export async function startPgCluster(): Promise<PgCluster> {
  if (typeof binaries === 'string') throw new Error(`PostgreSQL is not available: ${binaries}`);
  const root = mkdtempSync(join(tmpdir(), 'mcp-pg-'));
  if (binaries.asUser.length > 0) chownSync(root, uidOf(SERVICE_USER) ?? 0, 0);
  const data = join(root, 'data');
  const cmd = (tool: string, args: string[]) => {
    const [file, ...rest] = [...binaries.asUser, join(binaries.dir, tool), ...args] as [string, ...string[]];
    return run(file, rest, { timeout: 60_000 });
  };
  try {
    await cmd('initdb', ['-D', data, '-A', 'trust', '-U', 'postgres', '-E', 'UTF8', '--no-sync', '--no-instructions']);
    const port = await startOnFreePort((p) =>
      cmd('pg_ctl', [
        '-D',
        data,
        '-l',
        join(root, 'server.log'),
        '-w',
        '-t',
        '30',
        'start',
        '-o',
        serverOptions(p, root),
      ]),
    );
    const guard = watchdog(
      [...binaries.asUser, join(binaries.dir, 'pg_ctl'), '-D', data, '-m', 'immediate', 'stop'],
      root,
    );
    const url = (database = 'postgres', user = 'postgres') => `postgres://${user}@127.0.0.1:${port}/${database}`;
    const query = async (sql: string, database?: string) => {
      const client = new Client({ connectionString: url(database) });
      await client.connect();
      try {
        return (await client.query(sql)).rows as Record<string, unknown>[];
      } finally {
        await client.end();
      }
    };
    return {
      port,
      url,
      query,
      async createDatabase(name = `mcp_${process.pid}_${++databaseCounter}`) {
        await query(`CREATE DATABASE "${name}"`);
        return url(name);
      },
      async stop() {
        guard.kill();
        await cmd('pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop']).catch(() => undefined);
        rmSync(root, { recursive: true, force: true });
      },
    };
  } catch (error) {
    rmSync(root, { recursive: true, force: true });
    throw error;
  }
}

function serverOptions(port: number, socketDir: string): string {
  return [
    `-p ${port}`,
    `-k ${socketDir}`,
    '-c listen_addresses=127.0.0.1',
    '-c fsync=off',
    '-c synchronous_commit=off',
    '-c full_page_writes=off',
    '-c max_connections=200',
  ].join(' ');
}

/** Picks a free port and starts on it; another process may grab it in between, so try a few. */
async function startOnFreePort(start: (port: number) => Promise<unknown>): Promise<number> {
  let lastError: unknown;
  for (let attempt = 0; attempt < 3; attempt++) {
    const port = await freePort();
    try {
      await start(port);
      return port;
    } catch (error) {
      lastError = error;
    }
  }
  throw lastError;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

function uidOf(user: string): number | undefined {
  const line = readFileSync('/etc/passwd', 'utf8')
    .split('\n')
    .find((entry) => entry.startsWith(`${user}:`));
  const uid = Number(line?.split(':')[2]);
  return Number.isInteger(uid) ? uid : undefined;
}
