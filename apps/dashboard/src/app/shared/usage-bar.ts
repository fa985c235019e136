import { ChangeDetectionStrategy, Component, computed, input } from '@angular/core';
import type { UsageWindow } from '@mcp/contracts';
import { Countdown } from './countdown';

export type UsageLevel = 'ok' | 'warn' | 'critical' | 'full';

export function clampPercent(value: number | null | undefined): number {
  if (value === null || value === undefined || !Number.isFinite(value)) return 0;
  return Math.min(100, Math.max(0, value));
}

/** Colour band of a quota window: full means requests on it are refused until the reset. */
export function usageLevel(usedPercent: number): UsageLevel {
  const used = clampPercent(usedPercent);
  if (used >= 100) return 'full';
  if (used >= 90) return 'critical';
  if (used >= 70) return 'warn';
  return 'ok';
}

@Component({
  selector: 'mcp-usage-bar',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [Countdown],
  templateUrl: './usage-bar.html',
  styleUrl: './usage-bar.scss',
})
export class UsageBar {
  readonly label = input.required<string>();
  readonly window = input<UsageWindow | undefined>(undefined);

  protected readonly percent = computed(() => Math.round(clampPercent(this.window()?.usedPercent)));
  protected readonly level = computed(() => usageLevel(this.percent()));
  protected readonly resetAt = computed(() => this.window()?.resetAt ?? null);
}
