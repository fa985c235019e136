// The system under test: the emulator, proxies on temp data dirs, accounts onboarded through the
// real OAuth path, and the emulator's control API for tokens and captured upstream requests.
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { withLaunchEnv } from '../../scripts/launch-env.mjs';
import { ADMIN_TOKEN, firstLine, startNode, waitForHealth } from './processes.mjs';

// Another build can be measured (e.g. before/after a change): BENCH_PROXY_MAIN=/path/to/main.js.
const PROXY_MAIN = process.env.BENCH_PROXY_MAIN ?? 'dist/apps/proxy/src/main.js';
// Likewise the emulator (BENCH_EMULATOR_MAIN), e.g. a build that others rebuilding dist/ cannot touch mid-run.
const EMULATOR_MAIN = process.env.BENCH_EMULATOR_MAIN ?? 'dist/apps/fake-chatgpt/main.js';
export const EMAILS = ['alice@bench.example', 'bob@bench.example', 'carol@bench.example'];
const tempDirs = [];

export function tempDataDir(label) {
  const dir = mkdtempSync(join(tmpdir(), `mcp-bench-${label}-`));
  tempDirs.push(dir);
  return dir;
}

export function removeTempDirs() {
  for (const dir of tempDirs.splice(0)) rmSync(dir, { recursive: true, force: true });
}

/** A free loopback port (the proxy takes PORT from the environment, so it cannot bind 0 and tell us). */
export function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/** The emulator with quota consumption off: the benchmark sends far more than 100 requests per account. */
export async function startEmulator() {
  const handle = startNode('fake-chatgpt', EMULATOR_MAIN, [
    '--port',
    '0',
    '--host',
    '127.0.0.1',
    '--percent-per-request',
    '0',
  ]);
  const url = await firstLine(handle);
  if (!/^http:\/\/127\.0\.0\.1:\d+$/.test(url)) throw new Error(`fake-chatgpt printed an unexpected URL: ${url}`);
  return { handle, url };
}

/**
 * The production build of the proxy. `upstreamUrl` is where inference goes (the emulator, or the
 * relay tap); OAuth always talks to the emulator itself.
 */
export async function startProxy({ label, emulatorUrl, upstreamUrl = emulatorUrl, dataDir, nodeArgs = [] }) {
  const port = await freePort();
  const env = {
    PORT: String(port),
    HOST: '127.0.0.1',
    DATA_DIR: dataDir,
    ADMIN_TOKEN,
    LOG_LEVEL: 'warn',
    CHATGPT_BASE_URL: upstreamUrl,
    OAUTH_AUTHORIZATION_URL: `${emulatorUrl}/oauth/authorize`,
    OAUTH_TOKEN_URL: `${emulatorUrl}/oauth/token`,
    OAUTH_DEVICE_AUTHORIZATION_URL: `${emulatorUrl}/api/accounts/deviceauth/usercode`,
    OAUTH_DEVICE_TOKEN_URL: `${emulatorUrl}/api/accounts/deviceauth/token`,
    OAUTH_DEVICE_VERIFICATION_URL: `${emulatorUrl}/codex/device`,
    USAGE_REFRESH_INTERVAL_MS: String(24 * 3_600_000),
    // BENCH_PROXY_ENV='{"NAME":"value"}': settings to try on the measured proxies (a what-if, never a published run).
    ...(process.env.BENCH_PROXY_ENV ? JSON.parse(process.env.BENCH_PROXY_ENV) : {}),
  };
  const started = performance.now();
  // Launched as `npm start` and the image launch it (scripts/launch-env.mjs).
  const handle = startNode(label, PROXY_MAIN, [], withLaunchEnv(env), nodeArgs);
  const base = `http://127.0.0.1:${port}`;
  const startupMs = await waitForHealth(handle, base, started);
  return { handle, base, startupMs };
}

export async function admin(base, method, path, body) {
  const res = await fetch(`${base}${path}`, {
    method,
    headers: { 'x-admin-token': ADMIN_TOKEN, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${text.slice(0, 300)}`);
  return text === '' ? undefined : JSON.parse(text);
}

export async function control(emulatorUrl, method, path, body) {
  const res = await fetch(`${emulatorUrl}/__control/${path}`, {
    method,
    headers: { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const json = await res.json();
  if (!res.ok) throw new Error(`emulator ${method} ${path}: ${res.status} ${JSON.stringify(json)}`);
  return json;
}

/** The README's onboarding: start a flow, log in at the (emulated) authorize page, paste the redirect back. */
export async function onboard(base, email) {
  const flow = await admin(base, 'POST', '/admin/oauth/start', { email });
  const login = await fetch(flow.authorizeUrl, { redirect: 'manual' });
  await login.arrayBuffer();
  const pasted = login.headers.get('location');
  if (!pasted) throw new Error(`the emulator did not redirect the login of ${email} (${login.status})`);
  const done = await admin(base, 'POST', '/admin/oauth/complete', { flowId: flow.flowId, input: pasted });
  return done.account;
}

export async function onboardAll(base) {
  const accounts = [];
  for (const email of EMAILS) accounts.push(await onboard(base, email));
  return accounts;
}

const FORWARDED = ['content-type', 'accept', 'openai-beta', 'originator', 'user-agent', 'version', 'session_id'];

/**
 * Sends one request through the proxy and reads back, from the emulator, exactly what the proxy sent
 * upstream. The direct baseline replays that request with a token of its own for the same account.
 * Run it while no other traffic is in flight: the emulator keeps only the last request per account.
 */
export async function captureUpstream(emulatorUrl, proxyBase, path, clientBody, prompt) {
  await control(emulatorUrl, 'POST', 'counters/reset', {});
  const res = await fetch(`${proxyBase}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(clientBody),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`capture ${path}: proxy answered ${res.status} ${text.slice(0, 300)}`);
  const counters = await control(emulatorUrl, 'GET', 'counters');
  const entries = Object.entries(counters.lastRequest).filter(([, last]) => last.route === 'responses');
  if (entries.length !== 1)
    throw new Error(`capture ${path}: the emulator saw ${entries.length} inference requests, expected 1`);
  const entry = entries[0];
  if (!JSON.stringify(entry[1].body).includes(prompt))
    throw new Error(`capture ${path}: the upstream body lacks the prompt`);
  const [accountId, last] = entry;
  const tokens = await control(emulatorUrl, 'POST', `accounts/${accountId}/tokens`, {});
  const account = await control(emulatorUrl, 'GET', `accounts/${accountId}`);
  const headers = {};
  for (const name of FORWARDED) if (typeof last.headers[name] === 'string') headers[name] = last.headers[name];
  headers.authorization = `Bearer ${tokens.accessToken}`;
  headers['chatgpt-account-id'] = account.chatgptAccountId;
  return { path: '/backend-api/codex/responses', headers, body: JSON.stringify(last.body) };
}
