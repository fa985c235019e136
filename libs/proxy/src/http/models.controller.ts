import { Controller, Get, Param, UseGuards } from '@nestjs/common';
import type { ModelList, OpenAiModel } from '@mcp/codex';
import { ClientKeyGuard } from '@mcp/client-keys';
import { ModelsService } from './models.service';

@Controller()
@UseGuards(ClientKeyGuard)
export class ModelsController {
  constructor(private readonly models: ModelsService) {}

  @Get(['v1/models', 'models'])
  list(): Promise<ModelList> {
    return this.models.list();
  }

  @Get(['v1/models/:id', 'models/:id'])
  get(@Param('id') id: string): Promise<OpenAiModel> {
    return this.models.get(id);
  }
}
