import type { IncomingMessage, ServerResponse } from 'node:http';
import { authenticate } from './auth-check';
import { applyFault } from './faults';
import { HttpError, headerValue, sendJson } from './http-util';
import { catalogueFor, planEtag } from './models-catalogue';
import { rollWindows, whamUsageBody } from './quota';
import type { EmulatorState } from './state';
import type { Timers } from './timers';

/** `GET /backend-api/wham/usage` (PROTOCOL §6). */
export async function handleUsage(
  state: EmulatorState,
  timers: Timers,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  const account = authenticate(state, req, 'usage');
  state.recordLast(account.id, { route: 'usage', headers: req.headers, body: undefined });
  await applyFault(state, timers, account, 'usage', '');
  if (res.destroyed) return;
  const now = state.now();
  rollWindows(account, now);
  sendJson(res, 200, whamUsageBody(account, now));
}

/** `GET /backend-api/codex/models?client_version=…`: the plan's models the client version can use. */
export async function handleModels(
  state: EmulatorState,
  timers: Timers,
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
): Promise<void> {
  const account = authenticate(state, req, 'models');
  state.recordLast(account.id, { route: 'models', headers: req.headers, body: undefined });
  const clientVersion = url.searchParams.get('client_version');
  if (!clientVersion) throw new HttpError(400, { detail: 'client_version is required' });
  await applyFault(state, timers, account, 'models', '');
  if (res.destroyed) return;
  const models = catalogueFor(account.models, clientVersion);
  const etag = planEtag(models.map((m) => m.slug));
  if (headerValue(req, 'if-none-match') === etag) {
    res.writeHead(304, { etag });
    res.end();
    return;
  }
  sendJson(res, 200, { models }, { etag });
}
