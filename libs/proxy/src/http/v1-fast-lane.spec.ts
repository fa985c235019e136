import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ClientKeyGuard } from '@mcp/client-keys';
import type { AppConfig } from '@mcp/config';
import type { MessagesService } from '../anthropic/messages.service';
import type { PoolHeadersMiddleware } from '../backend-api/pool-headers.middleware';
import type { ProxyService } from '../proxy/proxy.service';
import type { ProxyRequest } from '../request-context';
import { V1FastLane } from './v1-fast-lane';

/** What a handler saw, answered back as JSON so the spec reads it like a client. */
function echo(route: string) {
  return async (req: ProxyRequest, res: ServerResponse): Promise<void> => {
    res.setHeader('content-type', 'application/json');
    res.end(
      JSON.stringify({ route, body: req.body ?? null, text: req.bodyText ?? null, key: req.clientKeyId ?? null }),
    );
  };
}

describe('V1FastLane', () => {
  let server: Server;
  let base: string;
  let guardError: Error | undefined;
  let renderThrows = false;
  const rendered: unknown[] = [];

  beforeAll(async () => {
    const proxy = {
      responses: echo('responses'),
      compact: echo('compact'),
      chat: echo('chat'),
      serve: (surface: string, req: ProxyRequest, res: ServerResponse) => echo(surface)(req, res),
    };
    const messages = { surface: () => 'messages' };
    const poolHeaders = {
      use: (_req: ProxyRequest, res: ServerResponse, next: () => void) => {
        res.setHeader('x-codex-pool', 'set');
        next();
      },
    };
    const guard = {
      authorize: async (req: ProxyRequest) => {
        if (guardError) throw guardError;
        req.clientKeyId = 'key-1';
      },
    };
    const lane = new V1FastLane(
      proxy as unknown as ProxyService,
      guard as unknown as ClientKeyGuard,
      { requestBodyLimitBytes: 256 } as AppConfig,
      messages as unknown as MessagesService,
      poolHeaders as unknown as PoolHeadersMiddleware,
    );
    lane.renderErrorsWith((error, _req, res) => {
      if (renderThrows) throw new Error('renderer failed');
      rendered.push(error);
      res.statusCode = 401;
      res.end('rendered');
    });
    server = createServer((req: IncomingMessage, res: ServerResponse) => {
      if (!lane.take(req, res)) res.end('express');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
  });

  beforeEach(() => {
    guardError = undefined;
    rendered.length = 0;
  });

  const post = (path: string, body = '{"model":"m","input":"hé"}') => fetch(`${base}${path}`, { method: 'POST', body });

  it.each([
    ['/v1/responses', 'responses'],
    ['/responses', 'responses'],
    ['/v1/responses/compact', 'compact'],
    ['/responses/compact?trace=1', 'compact'],
    ['/v1/chat/completions?x=y', 'chat'],
    ['/chat/completions', 'chat'],
    ['/backend-api/codex/responses', 'responses'],
    ['/backend-api/codex/responses/compact', 'compact'],
    ['/v1/messages?beta=true', 'messages'],
  ])('serves POST %s with the parsed body, its text and the key the guard found', async (path, route) => {
    const response = await post(path);
    expect(response.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    expect(await response.json()).toEqual({
      route,
      body: { model: 'm', input: 'hé' },
      text: '{"model":"m","input":"hé"}',
      key: 'key-1',
    });
  });

  it('sets the pool headers on Codex-prefixed responses only, as the Nest route middleware did', async () => {
    expect((await post('/backend-api/codex/responses')).headers.get('x-codex-pool')).toBe('set');
    expect((await post('/backend-api/codex/responses/compact')).headers.get('x-codex-pool')).toBeNull();
    expect((await post('/v1/responses')).headers.get('x-codex-pool')).toBeNull();
  });

  it('leaves other methods, paths and spellings to Express', async () => {
    expect(await (await fetch(`${base}/v1/responses`)).text()).toBe('express');
    expect(await (await post('/v1/responses/')).text()).toBe('express');
    expect(await (await post('/V1/Responses')).text()).toBe('express');
    expect(await (await post('/v1/models')).text()).toBe('express');
    expect(await (await post('/v1/messages/count_tokens')).text()).toBe('express');
  });

  it('answers a body it cannot read with the OpenAI envelope and never reaches the guard or handler', async () => {
    guardError = new Error('the guard must not run');
    const bad = await post('/v1/responses', '{"model":');
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { type: string } }).error.type).toBe('invalid_request_error');
    const large = await post('/v1/chat/completions', JSON.stringify({ pad: 'x'.repeat(300) }));
    expect(large.status).toBe(413);
    expect(((await large.json()) as { error: { code: string } }).error.code).toBe('payload_too_large');
    expect(rendered).toEqual([]);
  });

  it('closes the connection, and the process lives on, when even the error renderer fails', async () => {
    guardError = new Error('boom');
    renderThrows = true;
    await expect(post('/v1/responses')).rejects.toThrow();
    renderThrows = false;
    guardError = undefined;
    expect((await post('/v1/responses')).status).toBe(200);
  });

  it('hands a guard refusal to the app-wide error renderer', async () => {
    guardError = new Error('invalid key');
    const response = await post('/v1/responses');
    expect(response.status).toBe(401);
    expect(await response.text()).toBe('rendered');
    expect(rendered).toEqual([guardError]);
  });
});
