import { ModuleRef } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { AccountsService } from '@mcp/accounts';
import type { AppConfig } from '@mcp/config';
import { FakeChatgpt } from '@mcp/fake-chatgpt';
import { PgDatabase } from '@mcp/postgres';
import {
  type PgCluster,
  TEST_ADMIN_TOKEN,
  disposeTestConfig,
  eventually,
  startPgCluster,
  testConfig,
} from '@mcp/testing';
import { createApp } from '../../src/bootstrap';

// Replica specs import the cluster helpers and the one polling helper from here too.
export { describeWithPostgres, eventually } from '@mcp/testing';

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
