import { Injectable } from '@nestjs/common';
import { Interval, Timeout } from '@nestjs/schedule';
import { ModelCatalogService } from './model-catalog.service';

const MODEL_DISCOVERY_TICK_MS = 30_000;
const FIRST_DISCOVERY_DELAY_MS = 1_000;

/** Keeps the model catalogue within MODELS_CACHE_MS of upstream, starting shortly after boot. */
@Injectable()
export class ModelDiscoveryJob {
  constructor(private readonly catalog: ModelCatalogService) {}

  @Timeout('model-discovery-first', FIRST_DISCOVERY_DELAY_MS)
  first(): Promise<void> {
    return this.catalog.refreshIfStale();
  }

  @Interval('model-discovery', MODEL_DISCOVERY_TICK_MS)
  run(): Promise<void> {
    return this.catalog.refreshIfStale();
  }
}
