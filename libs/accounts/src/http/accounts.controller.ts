import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query, Res, UseGuards } from '@nestjs/common';
import type { Response } from 'express';
import { AdminGuard } from '@mcp/admin-auth';
import type { AccountResponse, AccountsResponse } from '@mcp/contracts';
import { AccountsAdminService } from '../accounts-admin.service';
import { CreateAccountDto, PatchAccountDto, UnblockQueryDto } from './account.dto';

@Controller('admin/accounts')
@UseGuards(AdminGuard)
export class AccountsController {
  constructor(private readonly admin: AccountsAdminService) {}

  @Get()
  list(): AccountsResponse {
    return this.admin.list();
  }

  /** 201 for a new account, 200 when the identity already existed and was updated. */
  @Post()
  async create(@Body() dto: CreateAccountDto, @Res({ passthrough: true }) res: Response): Promise<AccountResponse> {
    const { created, body } = await this.admin.create(dto);
    res.status(created ? 201 : 200);
    return body;
  }

  @Patch(':id')
  patch(@Param('id') id: string, @Body() dto: PatchAccountDto): Promise<AccountResponse> {
    return this.admin.patch(id, dto);
  }

  @Delete(':id')
  remove(@Param('id') id: string): Promise<{ ok: true }> {
    return this.admin.remove(id);
  }

  @Post(':id/unblock')
  @HttpCode(200)
  unblock(@Param('id') id: string, @Query() query: UnblockQueryDto): Promise<AccountResponse> {
    return this.admin.unblock(id, query.model);
  }

  @Post(':id/refresh-usage')
  @HttpCode(200)
  refreshUsage(@Param('id') id: string): Promise<AccountResponse> {
    return this.admin.refreshUsage(id);
  }
}
