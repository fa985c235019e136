import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ChatgptHttp } from '@mcp/accounts';
import { loadConfig } from '@mcp/config';
import { RETAINED_BODY_MAX, UpstreamClient, readErrorBody, readWholeBody, type UpstreamCall } from './upstream-client';

type Route = (req: IncomingMessage, res: ServerResponse, body: string) => void;

/** A local stand-in for the Codex backend; each test sets what it answers. */
class Backend {
  route: Route = (_req, res) => res.end();
  readonly closed: ServerResponse[] = [];
  private readonly server: Server;

  constructor() {
    this.server = createServer((req, res) => {
      res.on('close', () => this.closed.push(res));
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => this.route(req, res, Buffer.concat(chunks).toString('utf8')));
    });
  }

  listen(): Promise<number> {
    return new Promise((resolve) =>
      this.server.listen(0, '127.0.0.1', () => resolve((this.server.address() as AddressInfo).port)),
    );
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

const until = async (check: () => boolean): Promise<void> => {
  for (let i = 0; i < 200 && !check(); i += 1) await new Promise((resolve) => setTimeout(resolve, 10));
};

describe('UpstreamClient', () => {
  let backend: Backend;
  let http: ChatgptHttp;
  let client: UpstreamClient;

  beforeEach(async () => {
    backend = new Backend();
    const port = await backend.listen();
    const config = loadConfig({
      CHATGPT_BASE_URL: `http://127.0.0.1:${port}`,
      UPSTREAM_HEADERS_TIMEOUT_MS: '150',
      UPSTREAM_IDLE_TIMEOUT_MS: '150',
      DATA_DIR: '/nonexistent-upstream-client-spec',
    });
    http = new ChatgptHttp(config);
    client = new UpstreamClient(config, http);
  });

  afterEach(async () => {
    await http.dispatcher.destroy();
    await backend.close();
  });

  const call = (overrides: Partial<UpstreamCall> = {}): UpstreamCall => ({
    accessToken: 'tok-1',
    chatgptAccountId: 'acct-1',
    body: { model: 'gpt-5', input: 'héllo' },
    sessionKey: 'sess-1',
    compact: false,
    signal: new AbortController().signal,
    ...overrides,
  });

  it('posts the JSON body with our headers and streams the answer back chunk by chunk', async () => {
    let seen: { headers: IncomingMessage['headers']; url?: string; body: string } | undefined;
    backend.route = (req, res, body) => {
      seen = { headers: req.headers, url: req.url, body };
      res.writeHead(200, { 'content-type': 'text/event-stream', 'x-codex-primary-used-percent': '12' });
      res.write('data: 1\n\n');
      setTimeout(() => res.end('data: 2\n\n'), 20);
    };
    const response = await client.send(call());
    expect(response.status).toBe(200);
    expect(response.headers['x-codex-primary-used-percent']).toBe('12');
    expect(await readWholeBody(response.body, 1024)).toEqual(Buffer.from('data: 1\n\ndata: 2\n\n'));
    expect(seen?.url).toBe('/backend-api/codex/responses');
    expect(JSON.parse(seen?.body ?? '')).toEqual({ model: 'gpt-5', input: 'héllo' });
    expect(seen?.headers).toMatchObject({
      authorization: 'Bearer tok-1',
      'chatgpt-account-id': 'acct-1',
      session_id: 'sess-1',
      accept: 'text/event-stream',
      'content-length': String(Buffer.byteLength(seen?.body ?? '')),
    });
  });

  it('sends a body larger than the retained size whole, as an iterable written once', async () => {
    let received = '';
    backend.route = (req, res, body) => {
      received = body;
      res.end('{}');
    };
    const input = 'é'.repeat(RETAINED_BODY_MAX);
    await readWholeBody((await client.send(call({ compact: true, body: { input } }))).body, 1024);
    expect(JSON.parse(received)).toEqual({ input });
  });

  it('reuses keep-alive connections for the next requests', async () => {
    const sockets = new Set<unknown>();
    backend.route = (req, res) => {
      sockets.add(req.socket);
      res.end('{}');
    };
    for (let i = 0; i < 6; i += 1) await readWholeBody((await client.send(call({ compact: true }))).body, 1024);
    // undici's pool may open a second connection while the first finishes its response; never one per request
    expect(sockets.size).toBeLessThanOrEqual(2);
  });

  it('rejects with UND_ERR_HEADERS_TIMEOUT when no headers come in time', async () => {
    backend.route = () => undefined;
    await expect(client.send(call())).rejects.toMatchObject({ code: 'UND_ERR_HEADERS_TIMEOUT' });
  });

  it('fails the read with UND_ERR_BODY_TIMEOUT when the stream goes silent', async () => {
    backend.route = (_req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write('data: 1\n\n');
    };
    const response = await client.send(call());
    expect((await response.body.next()).value?.toString()).toBe('data: 1\n\n');
    await expect(response.body.next()).rejects.toMatchObject({ code: 'UND_ERR_BODY_TIMEOUT' });
  });

  it('rejects when the connection fails before any headers', async () => {
    backend.route = (req) => req.socket.destroy();
    await expect(client.send(call())).rejects.toMatchObject({ code: 'UND_ERR_SOCKET' });
  });

  it('a client abort before the headers rejects at once and closes the upstream request', async () => {
    let arrived = false;
    backend.route = () => (arrived = true);
    const abort = new AbortController();
    const sent = client.send(call({ signal: abort.signal }));
    await until(() => arrived);
    abort.abort(new Error('client gone'));
    await expect(sent).rejects.toThrow('client gone');
    await until(() => backend.closed.length === 1);
    expect(backend.closed).toHaveLength(1);
  });

  it('a client abort mid-stream fails the pending read with the reason and closes upstream', async () => {
    backend.route = (_req, res) => {
      res.writeHead(200);
      res.write('data: 1\n\n');
    };
    const abort = new AbortController();
    const response = await client.send(call({ signal: abort.signal }));
    await response.body.next();
    const pending = response.body.next();
    abort.abort(new Error('client gone'));
    await expect(pending).rejects.toThrow('client gone');
    await until(() => backend.closed.length === 1);
    expect(backend.closed).toHaveLength(1);
  });

  it('never sends a request whose client already left', async () => {
    let requests = 0;
    backend.route = (_req, res) => {
      requests += 1;
      res.end();
    };
    const abort = new AbortController();
    abort.abort(new Error('gone'));
    await expect(client.send(call({ signal: abort.signal }))).rejects.toThrow('gone');
    expect(requests).toBe(0);
  });

  it('destroying the body mid-stream closes the upstream request', async () => {
    backend.route = (_req, res) => {
      res.writeHead(200);
      res.write('data: 1\n\n');
    };
    const response = await client.send(call());
    await response.body.next();
    response.body.destroy();
    await until(() => backend.closed.length === 1);
    expect(backend.closed).toHaveLength(1);
  });

  it('holds back a fast upstream until the reader takes the chunks (backpressure)', async () => {
    const total = 32 * 1024 * 1024;
    let finished = false;
    backend.route = (_req, res) => {
      res.writeHead(200);
      res.on('finish', () => (finished = true));
      const piece = Buffer.alloc(1024 * 1024, 0x61);
      let sent = 0;
      const pump = (): void => {
        while (sent < total) {
          sent += piece.length;
          if (!res.write(piece)) return void res.once('drain', pump);
        }
        res.end();
      };
      pump();
    };
    const response = await client.send(call());
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(finished).toBe(false);
    let received = 0;
    for await (const chunk of response.body) received += chunk.length;
    expect(received).toBe(total);
  });

  it('reads at most 64 KB of an error body, then lets the connection go', async () => {
    backend.route = (_req, res) => {
      res.writeHead(429, { 'content-type': 'application/json' });
      res.end('x'.repeat(200 * 1024));
    };
    const response = await client.send(call());
    expect(response.status).toBe(429);
    expect(await readErrorBody(response.body)).toHaveLength(64 * 1024);
    expect(response.body.destroyed).toBe(true);
  });
});
