import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import type { FakeChatgpt } from '../src';
import { login, parseSse, postResponses, startFake, validBody } from './helpers';

let fake: FakeChatgpt;

beforeAll(async () => {
  fake = await startFake();
});
afterAll(() => fake.stop());

async function control(
  method: string,
  path: string,
  body?: unknown,
): Promise<{ status: number; json: Record<string, unknown> }> {
  const res = await fetch(`${fake.url}/__control/${path}`, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, json: (await res.json()) as Record<string, unknown> };
}

describe('control API', () => {
  it('creates an account, issues tokens and serves it upstream', async () => {
    const created = await control('POST', 'accounts', {
      email: 'ctl@example.com',
      plan: 'pro',
      windows: { weekly: {} },
    });
    expect(created.status).toBe(200);
    expect(created.json).toMatchObject({
      email: 'ctl@example.com',
      plan: 'pro',
      windows: { weekly: { windowSeconds: 604800 } },
    });
    const id = String(created.json.id);
    const tokens = await control('POST', `accounts/${encodeURIComponent('ctl@example.com')}/tokens`);
    expect(tokens.json.accessToken).toEqual(expect.any(String));
    const l = { account: fake.account(id), tokens: tokens.json as never };
    const res = await postResponses(fake, l, validBody());
    expect(res.status).toBe(200);
    await res.text();
    const list = await control('GET', 'accounts');
    expect((list.json as unknown as { id: string }[]).map((a) => a.id)).toContain(id);
  });

  it('injects and clears faults, and reads counters with Sets as arrays', async () => {
    const l = login(fake, 'faulty@example.com');
    expect(
      (await control('POST', `accounts/${l.account.id}/faults`, { fault: { kind: 'http', status: 503 }, count: 2 }))
        .status,
    ).toBe(200);
    expect((await postResponses(fake, l, validBody())).status).toBe(503);
    await control('DELETE', `accounts/${l.account.id}/faults`);
    const ok = await postResponses(fake, l, validBody({ prompt_cache_key: 'ctl-key' }));
    expect(parseSse(await ok.text()).at(-1)!.data.type).toBe('response.completed');
    const counters = await control('GET', 'counters');
    expect((counters.json.requests as Record<string, Record<string, number>>)[l.account.id]).toEqual({ responses: 2 });
    expect((counters.json.promptCacheKeys as Record<string, string[]>)['ctl-key']).toEqual([l.account.id]);
    await control('POST', 'counters/reset');
    expect((await control('GET', 'counters')).json.requests).toEqual({});
  });

  it('sets usage, resets windows, expires and revokes tokens, and advances the clock', async () => {
    const l = login(fake, 'knobs@example.com');
    const usage = await control('POST', `accounts/${l.account.id}/usage`, { fiveHour: 100 });
    expect(usage.json).toMatchObject({ windows: { fiveHour: { usedPercent: 100 } } });
    expect((await postResponses(fake, l, validBody())).status).toBe(429);
    await control('POST', `accounts/${l.account.id}/reset-windows`);
    expect((await postResponses(fake, l, validBody())).status).toBe(200);
    await control('POST', `accounts/${l.account.id}/expire-access-tokens`);
    expect((await postResponses(fake, l, validBody())).status).toBe(401);
    await control('POST', `accounts/${l.account.id}/revoke-refresh-tokens`);
    const refresh = await fetch(`${fake.url}/oauth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        grant_type: 'refresh_token',
        client_id: fake.options.clientId,
        refresh_token: l.tokens.refreshToken,
      }),
    });
    expect(refresh.status).toBe(401);
    await refresh.text();
    const before = fake.now();
    const advanced = await control('POST', 'clock/advance', { ms: 5000 });
    expect(advanced.json.now as number).toBeGreaterThanOrEqual(before + 5000);
  });

  it('patches options, sets the next login and approves device codes', async () => {
    expect((await control('PATCH', 'options', { emptyCompletedOutput: true })).json.emptyCompletedOutput).toBe(true);
    expect(fake.options.emptyCompletedOutput).toBe(true);
    fake.options.emptyCompletedOutput = false;
    expect((await control('PATCH', 'options', { nope: 1 })).status).toBe(400);
    expect((await control('PATCH', 'options', { deltaIntervalMs: 'fast' })).status).toBe(400);
    const next = login(fake, 'next-login@example.com');
    expect((await control('POST', 'next-login', { account: next.account.email })).status).toBe(200);
    const device = await fetch(`${fake.url}/api/accounts/deviceauth/usercode`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ client_id: fake.options.clientId }),
    });
    const { user_code } = (await device.json()) as { user_code: string };
    const approved = await control('POST', 'device/approve', { userCode: user_code, account: next.account.id });
    expect(approved.json).toEqual({ accountId: next.account.id });
  });

  it('answers 404 for unknown accounts and routes, 400 for bad faults', async () => {
    expect((await control('POST', 'accounts/fa_999/tokens')).status).toBe(404);
    expect((await control('GET', 'nothing-here')).status).toBe(404);
    const l = login(fake, 'badfault@example.com');
    expect((await control('POST', `accounts/${l.account.id}/faults`, { fault: { kind: 'meteor' } })).status).toBe(400);
    expect((await control('POST', 'accounts', {})).status).toBe(400);
  });
});

describe('unknown routes', () => {
  it('answers 404 for unknown paths and 405 for a wrong method', async () => {
    expect((await fetch(`${fake.url}/backend-api/nothing`)).status).toBe(404);
    expect((await fetch(`${fake.url}/backend-api/codex/responses`)).status).toBe(405);
  });
});

describe('standalone main', () => {
  let child: ChildProcess | undefined;
  afterAll(() => {
    if (child && child.exitCode === null) child.kill('SIGKILL');
  });

  it('prints its URL first, serves the control API, pre-creates accounts and exits on SIGTERM', async () => {
    const main = join(__dirname, '..', 'src', 'main.ts');
    child = spawn(process.execPath, ['-r', 'ts-node/register', main, '--port', '0', '--accounts', '2'], {
      env: { ...process.env, TS_NODE_TRANSPILE_ONLY: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const firstLine = await new Promise<string>((resolve, reject) => {
      let buf = '';
      child!.stdout!.on('data', (chunk: Buffer) => {
        buf += chunk.toString();
        if (buf.includes('\n')) resolve(buf.split('\n')[0]!);
      });
      child!.once('exit', (code) => reject(new Error(`exited early with ${code}`)));
    });
    expect(firstLine).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const accounts = (await (await fetch(`${firstLine}/__control/accounts`)).json()) as { email: string }[];
    expect(accounts.map((a) => a.email)).toEqual(['demo1@example.test', 'demo2@example.test']);
    const exited = new Promise<number | null>((resolve) => child!.once('exit', (code) => resolve(code)));
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
  });
});
