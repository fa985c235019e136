import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startStack, type Stack } from './helpers/stack';

describe('the gateway app: health, config, dashboard', () => {
  let stack: Stack;
  let dashboard: string;

  beforeAll(async () => {
    dashboard = mkdtempSync(join(tmpdir(), 'mcp-dashboard-'));
    writeFileSync(join(dashboard, 'index.html'), '<html><body>console shell</body></html>');
    writeFileSync(join(dashboard, 'main.js'), 'console.log(1)');
    stack = await startStack({ accounts: 2, env: { SERVE_DASHBOARD: 'true', DASHBOARD_DIR: dashboard } });
  });
  afterAll(async () => {
    await stack?.close();
    rmSync(dashboard, { recursive: true, force: true });
  });

  it('GET /health answers without auth with the account counts', async () => {
    const res = await fetch(`${stack.baseUrl}/health`);
    expect(res.status).toBe(200);
    const body = (await res.json()) as { uptimeSeconds: number };
    expect(body).toMatchObject({ ok: true, version: expect.any(String), accounts: { total: 2, usable: 2 } });
    expect(body.uptimeSeconds).toBeGreaterThanOrEqual(0);
  });

  it('GET /admin/config needs the admin token and shows paths, never a secret', async () => {
    expect((await fetch(`${stack.baseUrl}/admin/config`)).status).toBe(401);
    const res = await fetch(`${stack.baseUrl}/admin/config`, {
      headers: { authorization: `Bearer ${stack.adminToken}` },
    });
    const text = await res.text();
    expect(res.status).toBe(200);
    expect(JSON.parse(text)).toMatchObject({
      ok: true,
      oauthRedirectUri: 'http://localhost:1455/auth/callback',
      clientKeysRequired: false,
      storage: { dataDir: stack.config.dataDir, traceRetentionMax: 1000, traceIncludeBody: true },
    });
    expect(text).not.toContain(stack.adminToken);
  });

  it('serves the dashboard at / and its client-side routes, but not API paths', async () => {
    const html = { headers: { accept: 'text/html' } };
    const root = await fetch(`${stack.baseUrl}/`, html);
    expect(root.status).toBe(200);
    expect(await root.text()).toContain('console shell');
    expect(await (await fetch(`${stack.baseUrl}/accounts?sanitized=1`, html)).text()).toContain('console shell');
    expect(await (await fetch(`${stack.baseUrl}/main.js`)).text()).toBe('console.log(1)');
    const unknownApi = await fetch(`${stack.baseUrl}/v1/nothing-here`, html);
    expect(unknownApi.status).toBe(404);
    expect(((await unknownApi.json()) as { error: { code: string } }).error.code).toBe('unknown_url');
  });
});
