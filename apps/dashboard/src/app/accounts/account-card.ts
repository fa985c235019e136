import { ChangeDetectionStrategy, Component, computed, inject, input, output } from '@angular/core';
import { MatButtonModule } from '@angular/material/button';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatInputModule } from '@angular/material/input';
import { MatSlideToggleModule } from '@angular/material/slide-toggle';
import { MatTooltipModule } from '@angular/material/tooltip';
import type { AccountView } from '@mcp/contracts';
import { Clock } from '../core/clock';
import { formatDateTime } from '../core/format';
import { MaskPipe } from '../core/mask';
import { Countdown } from '../shared/countdown';
import { StatusChip } from '../shared/status-chip';
import { UsageBar } from '../shared/usage-bar';
import { activeBlocks, canUnblock, parsePriority, type BlockEffect } from './account-rules';

export type AccountAction = 'refresh' | 'unblock' | 'relogin' | 'delete';

/** One account with its quota and controls; the page performs the calls. */
@Component({
  selector: 'mcp-account-card',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [
    MatButtonModule,
    MatFormFieldModule,
    MatInputModule,
    MatSlideToggleModule,
    MatTooltipModule,
    Countdown,
    MaskPipe,
    StatusChip,
    UsageBar,
  ],
  templateUrl: './account-card.html',
  styleUrl: './account-card.scss',
})
export class AccountCard {
  readonly account = input.required<AccountView>();
  readonly busy = input(false);
  readonly action = output<AccountAction>();
  readonly enabledChange = output<boolean>();
  readonly priorityChange = output<number>();

  private readonly clock = inject(Clock);
  protected readonly blocks = computed(() => activeBlocks(this.account(), this.clock.now()));
  protected readonly unblockable = computed(() => canUnblock(this.account(), this.clock.now()));
  protected readonly needsReauth = computed(
    () => this.account().status === 'needs_reauth' || this.account().state.needsReauth,
  );
  protected readonly formatDateTime = formatDateTime;
  /** Cooldowns only demote the account in routing (PROTOCOL §7.4); the words say so. */
  protected readonly effectLabel: Record<BlockEffect, string> = {
    blocked: 'blocked',
    cooling: 'cooling down',
    quarantined: 'quarantined (keeps failing)',
  };
  protected readonly accountLabel: Record<BlockEffect, string> = {
    blocked: 'Blocked',
    cooling: 'Cooling down',
    quarantined: 'Quarantined (keeps failing)',
  };

  protected commitPriority(input: HTMLInputElement): void {
    const value = parsePriority(input.value);
    if (value === null) {
      input.value = String(this.account().priority);
      return;
    }
    if (value !== this.account().priority) this.priorityChange.emit(value);
  }
}
