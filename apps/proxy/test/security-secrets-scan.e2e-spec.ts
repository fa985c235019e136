import type { NestExpressApplication } from '@nestjs/platform-express';
import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { TEST_ADMIN_TOKEN, disposeTestConfig, testConfig } from '@mcp/testing';
import { TracingService } from '@mcp/tracing';
import { FakeChatgpt } from '../../fake-chatgpt/src';
import { createApp } from '../src/bootstrap';
import { PinoLogger } from '../src/logging/pino-logger';

/**
 * Issue 10's closing check: a full scenario (OAuth onboarding, chat, failover, token refresh, a client
 * key), then every log line, trace file, export and admin response is searched for every secret issued.
 */
// Loose on purpose: the scan reads many admin shapes and only follows ids and URLs in them.
interface AdminReply {
  [key: string]: unknown;
  authorizeUrl: string;
  flowId: string;
  secret: string;
  traces: { id: string }[];
}

describe('no secret leaves the server', () => {
  const logLines: string[] = [];
  const adminBodies: string[] = [];
  let fake: FakeChatgpt;
  let app: NestExpressApplication;
  let base: string;
  let config: ReturnType<typeof testConfig>;
  let clientKey = '';

  const admin = async (method: string, path: string, body?: unknown, keep = true): Promise<AdminReply> => {
    const res = await fetch(`${base}${path}`, {
      method,
      headers: { 'x-admin-token': TEST_ADMIN_TOKEN, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    if (keep) adminBodies.push(`${method} ${path} → ${text}`);
    expect(res.status).toBeLessThan(300);
    return res.headers.get('content-type')?.includes('application/json')
      ? (JSON.parse(text) as AdminReply)
      : ({ text } as unknown as AdminReply);
  };

  const chat = async (content: string, stream = false): Promise<Response> =>
    fetch(`${base}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${clientKey}` },
      body: JSON.stringify({ model: 'gpt-5.3-codex', stream, messages: [{ role: 'user', content }] }),
    });

  beforeAll(async () => {
    fake = await FakeChatgpt.start({ port: 0 });
    config = testConfig({
      LOG_LEVEL: 'trace',
      TRACE_INCLUDE_BODY: 'true',
      CHATGPT_BASE_URL: fake.url,
      OAUTH_AUTHORIZATION_URL: `${fake.url}/oauth/authorize`,
      OAUTH_TOKEN_URL: `${fake.url}/oauth/token`,
    });
    const sink = new Writable({
      write(chunk, _enc, done) {
        logLines.push(String(chunk));
        done();
      },
    });
    app = await createApp(config, { logger: new PinoLogger('trace', sink) });
    await app.listen(0, '127.0.0.1');
    base = `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    await app?.close();
    await fake?.stop();
    disposeTestConfig(config);
  });

  it('runs the scenario and finds no issued secret anywhere', async () => {
    for (const email of ['leak1@example.com', 'leak2@example.com']) {
      const flow = await admin('POST', '/admin/oauth/start', { email });
      const login = await fetch(flow.authorizeUrl, { redirect: 'manual' });
      const pasted = login.headers.get('location');
      await admin('POST', '/admin/oauth/complete', { flowId: flow.flowId, input: pasted });
      await admin('GET', `/admin/oauth/status/${flow.flowId}`);
    }
    const created = await admin('POST', '/admin/api-keys', { name: 'scan' }, false); // the one reply allowed to show it
    clientKey = created.secret;

    expect((await chat('first')).status).toBe(200);
    const [first, second] = fake.accounts();
    fake.inject(first!.id, { kind: 'quota' });
    fake.inject(second!.id, { kind: 'http', status: 503 });
    expect((await chat('failover please')).status).toBe(200);
    fake.clearFaults(first!.id);
    fake.resetWindows(first!.id);
    fake.expireAccessTokens(first!.id);
    fake.expireAccessTokens(second!.id);
    const streamed = await chat('after expiry', true);
    expect(streamed.status).toBe(200);
    const text = (await streamed.text())
      .split('\n')
      .filter((line) => line.startsWith('data: {'))
      .map((line) => JSON.parse(line.slice(6)).choices?.[0]?.delta?.content ?? '')
      .join('');
    expect(text).toBe('echo: after expiry');
    expect(fake.counters().refreshCalls).toBeDefined();

    const page = await admin('GET', '/admin/traces?page=1&pageSize=100');
    for (const trace of page.traces) await admin('GET', `/admin/traces/${trace.id}`);
    await admin('GET', '/admin/traces?limit=1000');
    await admin('GET', '/admin/traces/export');
    await admin('GET', '/admin/accounts');
    await admin('POST', '/admin/usage/refresh');
    await admin('GET', '/admin/stats/usage');
    await admin('GET', '/admin/stats/traces');
    await admin('GET', '/admin/config');
    await admin('GET', '/admin/models');
    await admin('GET', '/admin/api-keys');
    await admin('GET', '/metrics');
    await app.get(TracingService).flush();

    const files = [config.traceFilePath, config.traceStatsHistoryPath, config.oauthStatePath].map((p) => {
      try {
        return readFileSync(p, 'utf8');
      } catch {
        return '';
      }
    });
    const haystacks: [string, string][] = [
      ['logs', logLines.join('')],
      ['admin responses', adminBodies.join('\n')],
      ['trace files', files.join('\n')],
    ];
    const secrets = [...fake.issuedSecrets(), clientKey];
    expect(secrets.length).toBeGreaterThan(6);
    expect(logLines.length).toBeGreaterThan(0);
    for (const [where, text] of haystacks) {
      const leaked = secrets.filter((secret) => text.includes(secret));
      expect({ where, leaked }).toEqual({ where, leaked: [] });
    }
  });
});
