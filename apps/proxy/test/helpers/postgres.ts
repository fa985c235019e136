import { ModuleRef } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import type { Server } from 'node:http';
import { type AddressInfo, createServer } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Client } from 'pg';
import { AccountsService } from '@mcp/accounts';
import type { AppConfig } from '@mcp/config';
import { TEST_ADMIN_TOKEN, disposeTestConfig, testConfig } from '@mcp/testing';
import { FakeChatgpt } from '../../../fake-chatgpt/src';
import { PgDatabase } from '../../../../libs/postgres/src';
import { createApp } from '../../src/bootstrap';

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

/**
 * `describe` for specs that need a real PostgreSQL: on a machine without the server binaries they
 * are skipped with a plain warning (CI installs PostgreSQL, so there they always run).
 */
export function describeWithPostgres(name: string, body: () => void): void {
  if (postgresUnavailable === undefined) {
    describe(name, body);
    return;
  }
  console.warn(`SKIPPED: "${name}": ${postgresUnavailable}. Install PostgreSQL (apt install postgresql) to run it.`);
  describe.skip(name, body);
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

// ---------------------------------------------------------------------------------------------
// A fleet: several gateway replicas (the real createApp, in process) on one database and one emulator.

export interface Replica {
  name: string;
  app: NestExpressApplication;
  baseUrl: string;
  config: AppConfig;
  /** Admin API call with the admin token; the JSON body is parsed. */
  admin<T = Record<string, unknown>>(
    method: string,
    path: string,
    body?: unknown,
  ): Promise<{ status: number; body: T }>;
  /**
   * Dies as a killed process would, from everyone else's point of view: its HTTP connections drop,
   * its database sessions are terminated and its role may not log in again, so nothing it had not
   * written already can reach the database later. `close()` still cleans it up.
   */
  crash(): Promise<void>;
  close(): Promise<void>;
}

export interface Fleet {
  cluster: PgCluster;
  fake: FakeChatgpt;
  replicas: Replica[];
  /** Signs in an emulator account (user<i>@example.com) through the first replica; the others learn it. */
  addAccount(i: number, options?: { expiresInMs?: number }): Promise<{ fakeId: string; id: string }>;
  /** Waits until every replica holds `accountIds`. */
  settled(accountIds: string[]): Promise<void>;
  /** Starts one more replica on the same database (and adds it to `replicas`). */
  addReplica(): Promise<Replica>;
  close(): Promise<void>;
}

/** Polls `check` until it returns a value; fails after `timeoutMs`. For effects that cross replicas. */
export async function eventually<T>(
  check: () => T | undefined | Promise<T | undefined>,
  timeoutMs = 10_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

export async function startFleet(options: { replicas?: number; env?: Record<string, string> } = {}): Promise<Fleet> {
  const cluster = await startPgCluster();
  const fake = await FakeChatgpt.start({ port: 0 });
  const database = `fleet_${process.pid}`;
  await cluster.createDatabase(database);
  const replicas: Replica[] = [];
  let started = 0;
  const addReplica = async (): Promise<Replica> => {
    const replica = await startReplica(cluster, fake, database, `replica_${++started}`, options.env ?? {});
    replicas.push(replica);
    return replica;
  };
  try {
    for (let i = 0; i < (options.replicas ?? 2); i++) await addReplica();
  } catch (error) {
    await Promise.all(replicas.map((replica) => replica.close()));
    await fake.stop();
    await cluster.stop();
    throw error;
  }
  return {
    cluster,
    fake,
    replicas,
    async addAccount(i, { expiresInMs } = {}) {
      const record = fake.addAccount({ email: `user${i}@example.com` });
      const tokens = fake.issueTokens(record.id);
      const { account } = await replicas[0]!.app.get(AccountsService).upsertFromTokens({
        accessToken: tokens.accessToken,
        refreshToken: tokens.refreshToken,
        idToken: tokens.idToken,
        expiresAt: Date.now() + (expiresInMs ?? tokens.expiresIn * 1000),
        priority: i - 1,
      });
      return { fakeId: record.id, id: account.id };
    },
    async settled(accountIds) {
      for (const replica of replicas) {
        await eventually(() => {
          const held = replica.app
            .get(AccountsService)
            .list()
            .map((account) => account.id);
          return accountIds.every((id) => held.includes(id)) ? true : undefined;
        });
      }
    },
    addReplica,
    async close() {
      await Promise.all(replicas.map((replica) => replica.close()));
      await fake.stop();
      await cluster.stop();
    },
  };
}

async function startReplica(
  cluster: PgCluster,
  fake: FakeChatgpt,
  database: string,
  role: string,
  env: Record<string, string>,
): Promise<Replica> {
  await cluster.query(`CREATE ROLE ${role} LOGIN SUPERUSER`);
  const config = testConfig({
    STORAGE: 'postgres',
    DATABASE_URL: cluster.url(database, role),
    CHATGPT_BASE_URL: fake.url,
    OAUTH_TOKEN_URL: `${fake.url}/oauth/token`,
    OAUTH_AUTHORIZATION_URL: `${fake.url}/oauth/authorize`,
    OAUTH_DEVICE_AUTHORIZATION_URL: `${fake.url}/api/accounts/deviceauth/usercode`,
    OAUTH_DEVICE_TOKEN_URL: `${fake.url}/api/accounts/deviceauth/token`,
    ...env,
  });
  const app = await createApp(config);
  await assertSharedStore(app);
  await app.listen(0, '127.0.0.1');
  const server = app.getHttpServer() as Server;
  const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  let crashed = false;
  let closed = false;
  return {
    name: role,
    app,
    baseUrl,
    config,
    async admin(method, path, body) {
      const response = await fetch(`${baseUrl}${path}`, {
        method,
        headers: {
          'x-admin-token': TEST_ADMIN_TOKEN,
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const text = await response.text();
      return { status: response.status, body: (text ? JSON.parse(text) : undefined) as never };
    },
    async crash() {
      crashed = true;
      server.closeAllConnections();
      server.close();
      await cluster.query(`ALTER ROLE ${role} NOLOGIN`);
      await cluster.query(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = '${role}'`);
    },
    async close() {
      if (closed) return;
      closed = true;
      if (crashed) await cluster.query(`ALTER ROLE ${role} LOGIN`); // so its shutdown hooks can finish
      await app.close();
      disposeTestConfig(config);
    },
  };
}

/** A replica that ignored STORAGE=postgres would make every multi-replica spec meaningless: say so first. */
async function assertSharedStore(app: NestExpressApplication): Promise<void> {
  try {
    // Through ModuleRef: app.get on a missing provider would exit the process (Nest's abortOnError).
    app.get(ModuleRef).get(PgDatabase, { strict: false });
  } catch {
    await app.close();
    throw new Error(
      'STORAGE=postgres did not bring in PostgresModule: AppModule must import StorageModule.forRoot(config) ' +
        '(see libs/postgres/README.md, "Wiring")',
    );
  }
}
