import { type CanActivate, type ExecutionContext, Injectable, UnauthorizedException } from '@nestjs/common';
import type { Request } from 'express';
import { AppConfig } from '@mcp/config';
import { AdminGuard, bearerToken, constantTimeEqual } from '@mcp/admin-auth';

/** GET /metrics: the admin credentials, or only METRICS_TOKEN (Bearer) when it is set (PROTOCOL.md §11.1). */
@Injectable()
export class MetricsGuard implements CanActivate {
  constructor(
    private readonly config: AppConfig,
    private readonly adminGuard: AdminGuard,
  ) {}

  canActivate(context: ExecutionContext): boolean | Promise<boolean> {
    const metricsToken = this.config.metricsToken;
    if (metricsToken === undefined) return this.adminGuard.canActivate(context);
    const presented = bearerToken(context.switchToHttp().getRequest<Request>().headers);
    if (presented !== undefined && constantTimeEqual(presented, metricsToken)) return true;
    throw new UnauthorizedException('Missing or invalid metrics token (send Authorization: Bearer <METRICS_TOKEN>)');
  }
}
