import { Logger } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { AddressInfo } from 'node:net';
import { type AppConfig, loadConfig } from '@mcp/config';
import { acquireDataDirLock, type DataDirLock } from '@mcp/storage';
import { createApp } from './bootstrap';
import { gracefulShutdown } from './shutdown';
import { describeStartupFailure, ListenError, probeListen } from './startup-failure';

let config: AppConfig | undefined;

/** Binds the initialised app ourselves, so a failed bind is one ListenError rather than Nest's log line plus ours. */
function listen(app: NestExpressApplication, port: number, host: string): Promise<AddressInfo> {
  const server = app.getHttpServer();
  return new Promise((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) =>
      reject(new ListenError(error.code ?? '', port, host, error)),
    );
    server.listen(port, host, () => resolve(server.address() as AddressInfo));
  });
}

/** Boots the gateway as configured by the environment: config, data-dir lock, port check, app, listen, signals. */
export async function serve(): Promise<void> {
  config = loadConfig();
  // One process per data directory: a second one would overwrite the first one's files.
  const lock: DataDirLock = acquireDataDirLock(config.dataDir);
  await probeListen(config.port, config.host);
  const app = await createApp(config);
  await app.init();
  const address = await listen(app, config.port, config.host);
  const logger = new Logger('Main');
  logger.log(
    `MultiCodex Proxy ${config.version} listening on http://${config.host}:${address.port} (data in ${config.dataDir})`,
  );

  const graceMs = config.shutdownGraceMs;
  let stopping = false;
  const shutdown = async (signal: string): Promise<void> => {
    if (stopping) return;
    stopping = true;
    logger.log(`${signal}: no new connections; letting open streams finish (up to ${graceMs} ms)`);
    const { drained } = await gracefulShutdown(app, graceMs);
    if (!drained) logger.warn('Shutdown grace period over: closed the streams still open');
    lock.release();
    process.exit(0);
  };
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
  process.once('SIGINT', () => void shutdown('SIGINT'));
}

/** The one line (plus the stack when LOG_LEVEL is debug or trace) for an error that stopped boot. */
export function reportStartupFailure(error: unknown): void {
  process.stderr.write(`${describeStartupFailure(error, config)}\n`);
  const verbose = config?.logLevel === 'debug' || config?.logLevel === 'trace';
  if (verbose && error instanceof Error && error.stack) process.stderr.write(`${error.stack}\n`);
}
