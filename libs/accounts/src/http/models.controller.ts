import { Controller, Get, HttpCode, Post, UseGuards } from '@nestjs/common';
import { AdminGuard } from '@mcp/admin-auth';
import type { ModelsAdminResponse } from '@mcp/contracts';
import { AccountsAdminService } from '../accounts-admin.service';

@Controller('admin/models')
@UseGuards(AdminGuard)
export class ModelsController {
  constructor(private readonly admin: AccountsAdminService) {}

  @Get()
  list(): ModelsAdminResponse {
    return this.admin.models();
  }

  @Post('refresh')
  @HttpCode(200)
  refresh(): Promise<ModelsAdminResponse> {
    return this.admin.refreshModels();
  }
}
