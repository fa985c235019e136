// `npm run demo`: the proxy wired to the bundled ChatGPT emulator, with three simulated accounts
// onboarded through the real OAuth path (start → login at the emulator → pasted redirect → complete).
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { createInterface } from 'node:readline';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureBuilt, root } from './build-state.mjs';
import { withLaunchEnv } from './launch-env.mjs';

const PORT = process.env.PORT ?? '4010';
const ADMIN_TOKEN = process.env.ADMIN_TOKEN ?? 'demo-admin-token-not-for-production';
const EMAILS = ['alice@demo.example', 'bob@demo.example', 'carol@demo.example'];
const children = [];
let dataDir;

function start(script, args, env) {
  const child = spawn(process.execPath, [join(root, script), ...args], {
    cwd: root,
    env: withLaunchEnv({ ...process.env, ...env }),
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  children.push(child);
  return child;
}

function firstLine(child) {
  return new Promise((resolve, reject) => {
    const lines = createInterface({ input: child.stdout });
    lines.once('line', resolve);
    child.once('exit', (code) => reject(new Error(`process exited with ${code}`)));
  });
}

async function waitForHealth(base, proxy) {
  for (let i = 0; i < 100; i += 1) {
    if (proxy.exitCode !== null)
      throw new Error(`the proxy exited with code ${proxy.exitCode} (see its message above)`);
    try {
      if ((await fetch(`${base}/health`)).ok) return;
    } catch {
      /* not up yet */
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error('the proxy did not become healthy');
}

async function admin(base, method, path, body) {
  const res = await fetch(`${base}${path}`, {
    method,
    headers: { 'x-admin-token': ADMIN_TOKEN, 'content-type': 'application/json' },
    body: body ? JSON.stringify(body) : undefined,
  });
  const json = await res.json();
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(json)}`);
  return json;
}

async function onboard(base, email) {
  const flow = await admin(base, 'POST', '/admin/oauth/start', { email });
  const login = await fetch(flow.authorizeUrl, { redirect: 'manual' });
  const pasted = login.headers.get('location');
  const done = await admin(base, 'POST', '/admin/oauth/complete', { flowId: flow.flowId, input: pasted });
  return done.account;
}

/** Refuses a busy port up front: otherwise the health check would find the other process and onboard into it. */
function assertPortFree(port) {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', () =>
      reject(
        new Error(
          `PORT ${port} is already in use (another process listens there): stop it, or set PORT to a free port`,
        ),
      ),
    );
    probe.listen(Number(port), '127.0.0.1', () => probe.close(resolve));
  });
}

async function main() {
  await assertPortFree(PORT);
  ensureBuilt(['proxy', 'fake', 'dashboard']);
  // A fresh directory per run: the emulator forgets its accounts when it stops, so an earlier demo's data is
  // useless, and a demo running beside this one keeps its own.
  dataDir = mkdtempSync(join(tmpdir(), 'multicodex-demo-'));
  const fake = start('dist/apps/fake-chatgpt/main.js', ['--port', '0', '--host', '127.0.0.1'], {});
  const fakeUrl = (await firstLine(fake)).trim();
  const proxy = start('dist/apps/proxy/src/main.js', [], {
    PORT,
    HOST: '127.0.0.1',
    DATA_DIR: dataDir,
    LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn',
    ADMIN_TOKEN,
    CHATGPT_BASE_URL: fakeUrl,
    OAUTH_AUTHORIZATION_URL: `${fakeUrl}/oauth/authorize`,
    OAUTH_TOKEN_URL: `${fakeUrl}/oauth/token`,
    OAUTH_DEVICE_AUTHORIZATION_URL: `${fakeUrl}/api/accounts/deviceauth/usercode`,
    OAUTH_DEVICE_TOKEN_URL: `${fakeUrl}/api/accounts/deviceauth/token`,
    OAUTH_DEVICE_VERIFICATION_URL: `${fakeUrl}/codex/device`,
    USAGE_REFRESH_INTERVAL_MS: '30000',
  });
  proxy.stdout.pipe(process.stdout);
  const base = `http://127.0.0.1:${PORT}`;
  await waitForHealth(base, proxy);
  for (const email of EMAILS) {
    const account = await onboard(base, email);
    console.warn(`[demo] onboarded ${account.email} (${account.id}) through the OAuth flow`);
  }
  const chat = await fetch(`${base}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'gpt-5.3-codex', messages: [{ role: 'user', content: 'hello from the demo' }] }),
  });
  if (!chat.ok) throw new Error(`the first chat completion failed: ${chat.status} ${await chat.text()}`);
  console.warn(`
[demo] MultiCodex Proxy is running against the emulator at ${fakeUrl}
[demo] Dashboard:   http://localhost:${PORT}   (admin token: ${ADMIN_TOKEN})
[demo] Data:        ${dataDir} (removed when the demo stops)
[demo] Try:         curl -s http://localhost:${PORT}/v1/chat/completions -H 'content-type: application/json' \\
                      -d '{"model":"gpt-5.3-codex","messages":[{"role":"user","content":"hello"}]}'
[demo] Ctrl+C stops both.`);
}

/** Stops both processes, then removes this run's own data directory (never another run's). */
async function stop(code) {
  const exited = children
    .filter((child) => child.exitCode === null && child.signalCode === null)
    .map((child) => new Promise((resolve) => child.once('exit', resolve)));
  for (const child of children) child.kill('SIGTERM');
  await Promise.all(exited);
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  process.exit(code);
}
process.on('SIGINT', () => void stop(0));
process.on('SIGTERM', () => void stop(0));
main().catch((error) => {
  console.error(`[demo] ${error.message}`);
  void stop(1);
});
