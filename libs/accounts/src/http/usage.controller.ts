import { Controller, HttpCode, Post, UseFilters, UseGuards } from '@nestjs/common';
import { AdminGuard } from '@mcp/config';
import type { UsageRefreshResponse } from '@mcp/contracts';
import { AccountsAdminService } from '../accounts-admin.service';
import { AccountsErrorFilter } from './accounts-error.filter';

@Controller('admin/usage')
@UseGuards(AdminGuard)
@UseFilters(AccountsErrorFilter)
export class UsageController {
  constructor(private readonly admin: AccountsAdminService) {}

  @Post('refresh')
  @HttpCode(200)
  refresh(): Promise<UsageRefreshResponse> {
    return this.admin.refreshAllUsage();
  }
}
