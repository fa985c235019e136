import { Controller, Get } from '@nestjs/common';
import type { HealthResponse } from '@mcp/contracts';
import { HealthService } from './health.service';

/** Unauthenticated liveness for Docker/compose healthchecks and load balancers. */
@Controller('health')
export class HealthController {
  constructor(private readonly health: HealthService) {}

  @Get()
  get(): HealthResponse {
    return this.health.report();
  }
}
