import { Injectable } from '@nestjs/common';
import { Interval } from '@nestjs/schedule';
import { ModelCatalogService } from './model-catalog.service';

const MODEL_DISCOVERY_TICK_MS = 30_000;

/** Keeps the model catalogue within MODELS_CACHE_MS of upstream. */
@Injectable()
export class ModelDiscoveryJob {
  constructor(private readonly catalog: ModelCatalogService) {}

  @Interval('model-discovery', MODEL_DISCOVERY_TICK_MS)
  run(): Promise<void> {
    return this.catalog.refreshIfStale();
  }
}
