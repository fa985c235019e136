import { Injectable } from '@nestjs/common';
import { Interval } from '@nestjs/schedule';
import { UsageProbeService } from './usage-probe.service';

/** A short tick; the service decides which accounts are due (per-account jittered times on the Clock). */
const USAGE_PROBE_TICK_MS = 1_000;

@Injectable()
export class UsageProbeJob {
  constructor(private readonly probes: UsageProbeService) {}

  @Interval('usage-probe', USAGE_PROBE_TICK_MS)
  run(): Promise<void> {
    return this.probes.runDue();
  }
}
