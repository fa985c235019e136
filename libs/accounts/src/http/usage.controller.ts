import { Controller, HttpCode, Post, UseGuards } from '@nestjs/common';
import { AdminGuard } from '@mcp/admin-auth';
import type { UsageRefreshResponse } from '@mcp/contracts';
import { AccountsAdminService } from '../accounts-admin.service';

@Controller('admin/usage')
@UseGuards(AdminGuard)
export class UsageController {
  constructor(private readonly admin: AccountsAdminService) {}

  @Post('refresh')
  @HttpCode(200)
  refresh(): Promise<UsageRefreshResponse> {
    return this.admin.refreshAllUsage();
  }
}
