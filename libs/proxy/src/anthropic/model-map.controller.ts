import { BadRequestException, Body, Controller, Delete, Get, Put, UseGuards } from '@nestjs/common';
import { Clock } from '@mcp/config';
import { AdminGuard } from '@mcp/admin-auth';
import type { AnthropicModelMapView } from '@mcp/contracts';
import { AnthropicModelMapService, ModelMapValidationError } from './model-map.service';

/** Admin editing of the Anthropic model map (the dashboard's Docs tab); a reset returns to ANTHROPIC_MODEL_MAP. */
@Controller('admin/anthropic/model-map')
@UseGuards(AdminGuard)
export class AnthropicModelMapController {
  constructor(
    private readonly service: AnthropicModelMapService,
    private readonly clock: Clock,
  ) {}

  @Get()
  get(): AnthropicModelMapView {
    return this.service.view();
  }

  @Put()
  async put(@Body() body: unknown): Promise<AnthropicModelMapView> {
    const map = typeof body === 'object' && body !== null ? (body as { map?: unknown }).map : undefined;
    if (typeof map !== 'object' || map === null || Array.isArray(map)) {
      throw new BadRequestException(['map must be an object of key → Codex model id']);
    }
    try {
      return await this.service.set(map as Record<string, unknown>, this.clock.now());
    } catch (error) {
      if (error instanceof ModelMapValidationError) {
        throw new BadRequestException(Object.entries(error.problems).map(([key, problem]) => `map.${key}: ${problem}`));
      }
      throw error;
    }
  }

  @Delete()
  reset(): Promise<AnthropicModelMapView> {
    return this.service.reset();
  }
}
