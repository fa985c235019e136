import { Injectable } from '@nestjs/common';
import { Interval } from '@nestjs/schedule';
import { FleetLeadership } from '@mcp/storage';
import { UsageProbeService } from './usage-probe.service';

/** A short tick; the service decides which accounts are due (per-account jittered times on the Clock). */
const USAGE_PROBE_TICK_MS = 1_000;

/** With several replicas, one of them probes for the fleet (the others see the results in the shared store). */
@Injectable()
export class UsageProbeJob {
  constructor(
    private readonly probes: UsageProbeService,
    private readonly leadership: FleetLeadership,
  ) {}

  @Interval('usage-probe', USAGE_PROBE_TICK_MS)
  run(): Promise<void> {
    return this.leadership.runIfLeader('usage-probe', () => this.probes.runDue());
  }
}
