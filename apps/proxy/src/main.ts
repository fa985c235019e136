import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { setTimeout as sleep } from 'node:timers/promises';
import { ConfigError, loadConfig } from '@mcp/config';
import { InFlightRequests } from '@mcp/proxy';
import { createApp } from './bootstrap';

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }
  const app = await createApp(config);
  await app.listen(config.port, config.host);
  const logger = new Logger('Main');
  logger.log(
    `MultiCodex Proxy ${config.version} listening on http://${config.host}:${config.port} (data in ${config.dataDir})`,
  );

  let stopping = false;
  const shutdown = async (signal: string): Promise<void> => {
    if (stopping) return;
    stopping = true;
    logger.log(`${signal}: no new connections; letting open streams finish (up to ${config.shutdownGraceMs} ms)`);
    const server = app.getHttpServer();
    server.close();
    await Promise.race([app.get(InFlightRequests).drained(), sleep(config.shutdownGraceMs)]);
    server.closeAllConnections?.();
    await app.close(); // runs beforeApplicationShutdown hooks: every store flushes here
    process.exit(0);
  };
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
  process.once('SIGINT', () => void shutdown('SIGINT'));
}

void main().catch((error: unknown) => {
  process.stderr.write(`Fatal: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
