import { Injectable } from '@nestjs/common';
import type { ApiKeyCreatedResponse, ApiKeysResponse, ApiKeyView } from '@mcp/contracts';
import { ApiKeysService } from './api-keys.service';
import type { CreateApiKeyDto, PatchApiKeyDto } from './api-keys.dto';

/** The admin API's replies for client keys (PROTOCOL.md §12.4), shaped here so the controller only routes. */
@Injectable()
export class ApiKeysAdminService {
  constructor(private readonly keys: ApiKeysService) {}

  list(): ApiKeysResponse {
    return { keys: this.keys.list() };
  }

  /** The only reply that ever carries the key's secret. */
  async create(body: CreateApiKeyDto): Promise<ApiKeyCreatedResponse> {
    const { key, secret } = await this.keys.create(body);
    return { ok: true, key, secret };
  }

  async update(id: string, body: PatchApiKeyDto): Promise<{ ok: true; key: ApiKeyView }> {
    return { ok: true, key: await this.keys.update(id, body) };
  }

  async remove(id: string): Promise<{ ok: true }> {
    await this.keys.remove(id);
    return { ok: true };
  }
}
