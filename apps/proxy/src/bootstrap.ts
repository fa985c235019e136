import { Logger, ValidationPipe } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { AppConfig, Clock } from '@mcp/config';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { GlobalExceptionFilter } from '@mcp/errors';
import { createV1BodyMiddleware, markReceived, V1FastLane } from '@mcp/proxy';
import { adminBodyMiddleware } from './admin-body';
import { AppModule } from './app.module';
import { dashboardDirectory, dashboardMiddleware, missingDashboardPage } from './dashboard/dashboard-static';
import { PinoLogger } from './logging/pino-logger';

export interface CreateAppOptions {
  logger?: PinoLogger;
  /** Specs only: a clock shared with the emulator. */
  clock?: Clock;
}

/** Builds the whole gateway (used by main.ts, the e2e specs and the benchmark alike). */
export async function createApp(config: AppConfig, options: CreateAppOptions = {}): Promise<NestExpressApplication> {
  const logger = options.logger ?? new PinoLogger(config.logLevel);
  // Our own body handling: /v1 needs a large limit, zstd and the OpenAI error envelope.
  const app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot(config, options.clock), {
    bodyParser: false,
    logger,
    // Rethrow instead of exiting: main.ts turns a failed boot into one line, specs see the error itself.
    abortOnError: false,
  });
  installFastLane(app);
  app.disable('x-powered-by');
  // No ETag (a SHA-1 of every JSON answer): /v1 answers are never conditional, admin ones are not cached.
  app.set('etag', false);
  const v1Body = createV1BodyMiddleware(config);
  app.use(['/v1', '/responses', '/chat/completions', '/backend-api', '/api/codex'], v1Body);
  app.use(['/admin'], adminBodyMiddleware());
  app.useGlobalPipes(new ValidationPipe({ whitelist: true, forbidNonWhitelisted: true, transform: true }));
  if (config.serveDashboard) {
    const dir = dashboardDirectory(config.dashboardDir);
    if (dir) app.use(dashboardMiddleware(dir));
    else {
      new Logger('Dashboard').warn('Dashboard build not found: run `npm run build` (serving the API only)');
      app.use(missingDashboardPage);
    }
  }
  return app;
}

/**
 * Node's `request` event goes to the /v1 fast lane first (the proxied POST routes, without the Express router and
 * Nest's per-request layers), everything else to Express as before. x-proxy-overhead-ms counts what a client pays
 * from here: the first JavaScript to see a request, before any routing and the body read.
 */
function installFastLane(app: NestExpressApplication): void {
  const lane = app.get(V1FastLane);
  const filter = app.get(GlobalExceptionFilter);
  lane.renderErrorsWith((error, req, res) => filter.renderHttp(error, req, res));
  const express = app.getHttpAdapter().getInstance() as (req: IncomingMessage, res: ServerResponse) => void;
  const server = app.getHttpServer() as Server;
  server.removeAllListeners('request');
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    markReceived(req);
    if (!lane.take(req, res)) express(req, res);
  });
}
