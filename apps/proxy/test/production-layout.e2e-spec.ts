import { execFileSync } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import OpenAI from 'openai';
import { buildProductionLayout, type ProductionLayout } from './helpers/production-layout';
import { ensureBuilt, ROOT, run, startProxyProcess, waitFor, type Running } from './helpers/processes';

/**
 * The Docker image without Docker: the Dockerfile's final stage laid out line by line (production dependencies
 * from the lockfile only, the built dist/, its ENV, its CMD, its USER as an unprivileged user, a fresh data
 * volume), then driven as an operator would: health, the dashboard, an OAuth onboarding against the emulator,
 * a streamed chat completion. A runtime dependency that is only a devDependency makes it fail to boot.
 */
describe('production layout (the Dockerfile final stage)', () => {
  let layout: ProductionLayout;
  let fake: Running;
  let fakeUrl: string;
  let proxy: Running & { url: string };
  let env: Record<string, string>;

  beforeAll(async () => {
    layout = buildProductionLayout();
    ensureBuilt('fake');
    fake = run(process.execPath, [join(ROOT, 'dist/apps/fake-chatgpt/main.js'), '--port', '0'], { cwd: ROOT });
    fakeUrl = await waitFor(fake, (out) => /^(http:\/\/127\.0\.0\.1:\d+)$/m.exec(out)?.[1]);
    env = {
      PATH: process.env['PATH'] ?? '/usr/bin:/bin',
      ...layout.env,
      // The image listens on 0.0.0.0:4010; a test stays on loopback and takes any free port (PORT=0).
      HOST: '127.0.0.1',
      PORT: '0',
      CHATGPT_BASE_URL: fakeUrl,
      OAUTH_AUTHORIZATION_URL: `${fakeUrl}/oauth/authorize`,
      OAUTH_TOKEN_URL: `${fakeUrl}/oauth/token`,
    };
    const [program, ...args] = [...layout.asUser, ...layout.cmd];
    proxy = await startProxyProcess(program!, args, { cwd: layout.appDir, env });
  }, 180_000);

  afterAll(async () => {
    await proxy?.stop();
    await fake?.stop();
    layout?.cleanup();
  });

  const adminToken = () => readFileSync(join(env['DATA_DIR']!, 'admin-token'), 'utf8').trim();
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- admin answers of several shapes, read by field
  type Json = Record<string, any>;
  const admin = async (method: string, path: string, body?: unknown): Promise<{ status: number; json: Json }> => {
    const res = await fetch(`${proxy.url}${path}`, {
      method,
      headers: { 'x-admin-token': adminToken(), 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: res.status, json: (await res.json()) as Json };
  };

  it('answers /health, runs as the image user, and keeps its files in the data volume', async () => {
    const health = await fetch(`${proxy.url}/health`);
    expect(health.status).toBe(200);
    const uid = /^Uid:\s+(\d+)/m.exec(readFileSync(`/proc/${proxy.child.pid}/status`, 'utf8'))?.[1];
    if (layout.asUser.length > 0) expect(uid).toBe('65534');
    expect(statSync(join(env['DATA_DIR']!, 'admin-token')).uid).toBe(Number(uid));
  });

  it("passes the image's HEALTHCHECK, which follows PORT", () => {
    const port = new URL(proxy.url).port;
    const [program, ...args] = [...layout.asUser, ...layout.healthcheck!];
    expect(() => execFileSync(program!, args, { env: { ...env, PORT: port }, stdio: 'pipe' })).not.toThrow();
  });

  it('serves the dashboard at /', async () => {
    const page = await fetch(`${proxy.url}/`, { headers: { accept: 'text/html' } });
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<title>MultiCodex Proxy');
  });

  it('onboards an account through OAuth and streams a chat completion through it', async () => {
    const start = await admin('POST', '/admin/oauth/start', { email: 'ops@example.com' });
    expect(start.status).toBe(200);
    const login = await fetch(start.json['authorizeUrl'], { redirect: 'manual' });
    const pasted = login.headers.get('location');
    expect(pasted).toMatch(/^http:\/\/localhost:1455\/auth\/callback\?code=/);
    const done = await admin('POST', '/admin/oauth/complete', { flowId: start.json['flowId'], input: pasted });
    expect(done.json['account']).toMatchObject({ email: 'ops@example.com' });

    const client = new OpenAI({ baseURL: `${proxy.url}/v1`, apiKey: 'unused', maxRetries: 0 });
    const stream = await client.chat.completions.create({
      model: 'gpt-5.3-codex',
      messages: [{ role: 'user', content: 'hello from the image' }],
      stream: true,
    });
    let text = '';
    for await (const chunk of stream) text += chunk.choices[0]?.delta?.content ?? '';
    expect(text.length).toBeGreaterThan(0);

    const traces = await admin('GET', '/admin/traces?page=1&pageSize=1');
    const [trace] = traces.json['traces'];
    expect(trace).toMatchObject({ route: '/v1/chat/completions', status: 200, accountId: done.json['account'].id });
  });
});
