import { ChangeDetectionStrategy, Component, computed, inject, input } from '@angular/core';
import { Clock } from '../core/clock';
import { formatDuration } from '../core/format';

/** `in 2h 14m`, `now` once the moment has passed, `unknown` without a time. */
export function countdownText(target: number | null | undefined, now: number): string {
  if (target === null || target === undefined) return 'unknown';
  const remaining = target - now;
  if (remaining <= 0) return 'now';
  return `in ${formatDuration(remaining)}`;
}

@Component({
  selector: 'mcp-countdown',
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `<time [attr.datetime]="iso()" [title]="absolute()">{{ text() }}</time>`,
})
export class Countdown {
  readonly at = input<number | null | undefined>(null);
  private readonly clock = inject(Clock);

  protected readonly text = computed(() => countdownText(this.at(), this.clock.now()));
  protected readonly iso = computed(() => {
    const at = this.at();
    return at === null || at === undefined ? null : new Date(at).toISOString();
  });
  protected readonly absolute = computed(() => {
    const at = this.at();
    return at === null || at === undefined ? '' : new Date(at).toLocaleString();
  });
}
