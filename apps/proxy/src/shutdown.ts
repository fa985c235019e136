import type { INestApplication } from '@nestjs/common';
import type { Server } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { InFlightRequests } from '@mcp/proxy';

/**
 * SIGTERM/SIGINT: stop accepting connections, let open proxied streams finish for up to `graceMs`,
 * then close the app, which runs every beforeApplicationShutdown hook (stores and logs flush there).
 */
export async function gracefulShutdown(app: INestApplication, graceMs: number): Promise<{ drained: boolean }> {
  const server = app.getHttpServer() as Server;
  server.close();
  server.closeIdleConnections?.();
  const timeout = sleep(graceMs, 'timeout' as const, { ref: false });
  const outcome = await Promise.race([
    app
      .get(InFlightRequests)
      .drained()
      .then(() => 'drained' as const),
    timeout,
  ]);
  server.closeAllConnections?.();
  await app.close();
  return { drained: outcome === 'drained' };
}
