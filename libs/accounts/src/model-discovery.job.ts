import { Injectable } from '@nestjs/common';
import { Interval, Timeout } from '@nestjs/schedule';
import { FleetLeadership } from '@mcp/storage';
import { ModelCatalogService } from './model-catalog.service';

const MODEL_DISCOVERY_TICK_MS = 30_000;
const FIRST_DISCOVERY_DELAY_MS = 1_000;

/**
 * Keeps the model catalogue within MODELS_CACHE_MS of upstream, starting shortly after boot. With
 * several replicas one discovers for the fleet and the others adopt its catalogue (CatalogueShare).
 */
@Injectable()
export class ModelDiscoveryJob {
  constructor(
    private readonly catalog: ModelCatalogService,
    private readonly leadership: FleetLeadership,
  ) {}

  @Timeout('model-discovery-first', FIRST_DISCOVERY_DELAY_MS)
  first(): Promise<void> {
    return this.run();
  }

  @Interval('model-discovery', MODEL_DISCOVERY_TICK_MS)
  run(): Promise<void> {
    return this.leadership.runIfLeader('model-discovery', () => this.catalog.refreshIfStale());
  }
}
