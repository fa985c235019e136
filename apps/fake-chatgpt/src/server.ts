import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { handleModels, handleUsage } from './backend-handlers';
import { handleControl, type ControlTarget } from './control-api';
import { handleDevicePage, handleDevicePoll, handleUserCode } from './device-flow';
import { HttpError, parseFormOrJson, parseJsonObject, readBody, sendJson } from './http-util';
import { handleAuthorize, handleToken } from './oauth-handlers';
import { ResponsesHandler } from './responses-handler';
import type { EmulatorState } from './state';
import type { Timers } from './timers';

type Handler = (req: IncomingMessage, res: ServerResponse, url: URL) => Promise<void> | void;

/** One loopback port serving the Codex backend, the auth endpoints and the control API. */
export function createEmulatorServer(state: EmulatorState, timers: Timers, target: ControlTarget): Server {
  const responses = new ResponsesHandler(state, timers);
  const routes: Record<string, Handler> = {
    'POST /backend-api/codex/responses': async (req, res) =>
      responses.handle('responses', req, res, await readBody(req)),
    'POST /backend-api/codex/responses/compact': async (req, res) =>
      responses.handle('compact', req, res, await readBody(req)),
    'GET /backend-api/wham/usage': (req, res) => handleUsage(state, timers, req, res),
    'GET /backend-api/codex/models': (req, res, url) => handleModels(state, timers, req, res, url),
    'GET /oauth/authorize': (_req, res, url) => handleAuthorize(state, url, res),
    'POST /oauth/token': async (req, res) => handleToken(state, parseFormOrJson(req, await readBody(req)), res),
    'POST /api/accounts/deviceauth/usercode': async (req, res) =>
      handleUserCode(state, parseFormOrJson(req, await readBody(req)), res),
    'POST /api/accounts/deviceauth/token': async (req, res) =>
      handleDevicePoll(state, parseJsonObject(await readBody(req)), res),
    'GET /codex/device': (_req, res, url) => handleDevicePage(state, url, res),
  };
  const knownPaths = new Set(Object.keys(routes).map((k) => k.slice(k.indexOf(' ') + 1)));
  let requestSeq = 0;

  return createServer((req, res) => {
    requestSeq += 1;
    res.setHeader('x-request-id', `req_fake_${requestSeq}`);
    const url = new URL(req.url ?? '/', 'http://emulator.local');
    const handler: Handler | undefined = url.pathname.startsWith('/__control/')
      ? (rq, rs) => handleControl(target, rq, rs, url.pathname)
      : routes[`${req.method} ${url.pathname}`];
    if (!handler) {
      const status = knownPaths.has(url.pathname) ? 405 : 404;
      req.resume();
      sendJson(res, status, { detail: status === 405 ? 'Method Not Allowed' : 'Not Found' });
      return;
    }
    Promise.resolve()
      .then(() => handler(req, res, url))
      .catch((err: unknown) => respondError(res, err));
  });
}

function respondError(res: ServerResponse, err: unknown): void {
  if (res.headersSent || res.destroyed) {
    res.destroy();
    return;
  }
  if (err instanceof HttpError) {
    sendJson(res, err.status, err.body, err.headers);
    return;
  }
  sendJson(res, 500, {
    error: { message: `Emulator error: ${(err as Error)?.message ?? String(err)}`, type: 'server_error', code: null },
  });
}
