import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { ConfigError, loadConfig } from '@mcp/config';
import { createApp } from './bootstrap';
import { gracefulShutdown } from './shutdown';

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
    const { drained } = await gracefulShutdown(app, config.shutdownGraceMs);
    if (!drained) logger.warn('Shutdown grace period over: closed the streams still open');
    process.exit(0);
  };
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
  process.once('SIGINT', () => void shutdown('SIGINT'));
}

void main().catch((error: unknown) => {
  process.stderr.write(`Fatal: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
