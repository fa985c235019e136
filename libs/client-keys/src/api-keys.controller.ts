import { Body, Controller, Delete, Get, Param, Patch, Post, UseGuards } from '@nestjs/common';
import type { ApiKeyCreatedResponse, ApiKeysResponse, ApiKeyView } from '@mcp/contracts';
import { AdminGuard } from '@mcp/admin-auth';
import { ApiKeysService } from './api-keys.service';
import { CreateApiKeyDto, PatchApiKeyDto } from './api-keys.dto';

/** Admin management of /v1 client keys (a new key's secret is in the POST reply only). */
@Controller('admin/api-keys')
@UseGuards(AdminGuard)
export class ApiKeysController {
  constructor(private readonly keys: ApiKeysService) {}

  @Get()
  list(): ApiKeysResponse {
    return { keys: this.keys.list() };
  }

  @Post()
  async create(@Body() body: CreateApiKeyDto): Promise<ApiKeyCreatedResponse> {
    const { key, secret } = await this.keys.create(body);
    return { ok: true, key, secret };
  }

  @Patch(':id')
  async update(@Param('id') id: string, @Body() body: PatchApiKeyDto): Promise<{ ok: true; key: ApiKeyView }> {
    return { ok: true, key: await this.keys.update(id, body) };
  }

  @Delete(':id')
  async remove(@Param('id') id: string): Promise<{ ok: true }> {
    await this.keys.remove(id);
    return { ok: true };
  }
}
