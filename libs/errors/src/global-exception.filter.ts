/*
 * The one place errors become HTTP answers (registered as APP_FILTER in apps/proxy/src/app.module.ts).
 *
 * - Domain errors stay plain classes. A feature maps them by listing `errorTable('name', [[ErrorClass, status,
 *   code?], [OtherError, (e) => ({ status, code, param, headers, extra })]])` among its module's providers.
 *   The most specific class wins; a class mapped by two tables stops boot.
 * - Nest's HttpExceptions (guards, ValidationPipe, unknown routes) keep their status and body.
 * - Anything else is a bug: 500 without a stack, and one log line with it.
 * - The envelope is the surface's: a module provides an `ErrorSurface` subclass (`matches(path)`, `render(problem,
 *   req, res)`, optional `priority`); the highest-priority surface that matches the path renders. No match: Nest's
 *   shape (`{ statusCode, message, error }`), as on /admin.
 */
import { type ArgumentsHost, Catch, type ExceptionFilter, Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { DiscoveryService } from '@nestjs/core';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Request, Response } from 'express';
import { ErrorSurface, NestErrorSurface } from './error-surface';
import { ErrorRegistry, ErrorTable } from './error-table';

@Catch()
@Injectable()
export class GlobalExceptionFilter implements ExceptionFilter, OnModuleInit {
  private readonly logger = new Logger('Errors');
  private readonly fallback = new NestErrorSurface();
  private registry?: ErrorRegistry;
  private surfaces: ErrorSurface[] = [];

  constructor(private readonly discovery: DiscoveryService) {}

  onModuleInit(): void {
    const instances = this.discovery.getProviders().map((wrapper) => wrapper.instance as unknown);
    this.registry = new ErrorRegistry(instances.filter((item): item is ErrorTable => item instanceof ErrorTable));
    this.surfaces = instances
      .filter((item): item is ErrorSurface => item instanceof ErrorSurface)
      .sort((a, b) => b.priority - a.priority);
  }

  catch(exception: unknown, host: ArgumentsHost): void {
    if (host.getType() !== 'http') {
      this.logger.error(`Unhandled ${host.getType()} error: ${describe(exception)}`);
      return;
    }
    const http = host.switchToHttp();
    this.renderHttp(exception, http.getRequest<Request>(), http.getResponse<Response>());
  }

  /** Renders `exception` as an HTTP answer: also for the /v1 fast lane, whose requests never enter Nest's pipeline. */
  renderHttp(exception: unknown, req: IncomingMessage & { originalUrl?: string }, res: ServerResponse): void {
    if (!this.registry) this.onModuleInit();
    const problem = this.registry!.problemOf(exception);
    if (problem.origin === 'unexpected')
      this.logger.error(`${req.method} ${req.originalUrl ?? req.url} failed: ${describe(exception)}`);
    if (res.headersSent) {
      // The stream owner reports in-stream errors; all that is left is to close the response.
      if (!res.writableEnded) res.end();
      return;
    }
    const path = (req.originalUrl ?? req.url ?? '/').split('?')[0] ?? '/';
    const surface = this.surfaces.find((candidate) => candidate.matches(path)) ?? this.fallback;
    surface.render(problem, req, res);
  }
}

function describe(exception: unknown): string {
  return exception instanceof Error ? (exception.stack ?? exception.message) : String(exception);
}
