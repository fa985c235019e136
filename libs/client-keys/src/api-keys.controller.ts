import { Body, Controller, Delete, Get, Param, Patch, Post, UseGuards } from '@nestjs/common';
import type { ApiKeyCreatedResponse, ApiKeysResponse, ApiKeyView } from '@mcp/contracts';
import { AdminGuard } from '@mcp/admin-auth';
import { ApiKeysAdminService } from './api-keys-admin.service';
import { CreateApiKeyDto, PatchApiKeyDto } from './api-keys.dto';

/** Admin management of client keys (a new key's secret is in the POST reply only). */
@Controller('admin/api-keys')
@UseGuards(AdminGuard)
export class ApiKeysController {
  constructor(private readonly admin: ApiKeysAdminService) {}

  @Get()
  list(): ApiKeysResponse {
    return this.admin.list();
  }

  @Post()
  create(@Body() body: CreateApiKeyDto): Promise<ApiKeyCreatedResponse> {
    return this.admin.create(body);
  }

  @Patch(':id')
  update(@Param('id') id: string, @Body() body: PatchApiKeyDto): Promise<{ ok: true; key: ApiKeyView }> {
    return this.admin.update(id, body);
  }

  @Delete(':id')
  remove(@Param('id') id: string): Promise<{ ok: true }> {
    return this.admin.remove(id);
  }
}
