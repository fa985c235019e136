import { Inject, Injectable, Optional } from '@nestjs/common';
import { Interval, Timeout } from '@nestjs/schedule';
import { FLEET_LEADERSHIP, type FleetLeadership, runAsLeader } from '@mcp/config';
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
    @Optional() @Inject(FLEET_LEADERSHIP) private readonly leadership?: FleetLeadership,
  ) {}

  @Timeout('model-discovery-first', FIRST_DISCOVERY_DELAY_MS)
  first(): Promise<void> {
    return this.run();
  }

  @Interval('model-discovery', MODEL_DISCOVERY_TICK_MS)
  run(): Promise<void> {
    return runAsLeader(this.leadership, 'model-discovery', () => this.catalog.refreshIfStale());
  }
}
