import { Controller, Get, UseGuards } from '@nestjs/common';
import type { ConfigResponse } from '@mcp/contracts';
import { AdminGuard } from '@mcp/admin-auth';
import { AdminConfigService } from './admin-config.service';

@Controller('admin/config')
@UseGuards(AdminGuard)
export class AdminConfigController {
  constructor(private readonly service: AdminConfigService) {}

  @Get()
  get(): ConfigResponse {
    return this.service.describe();
  }
}
