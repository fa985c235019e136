import { TestBed } from '@angular/core/testing';
import type { UsageWindow } from '@mcp/contracts';
import { formatDuration } from '../core/format';
import { countdownText } from './countdown';
import { UsageBar, clampPercent, usageLevel } from './usage-bar';

describe('countdown', () => {
  const now = Date.UTC(2026, 0, 1, 12, 0, 0);

  it('says how long until a moment, in at most two units', () => {
    expect(countdownText(now + 2 * 3600_000 + 14 * 60_000 + 5_000, now)).toBe('in 2h 14m');
    expect(countdownText(now + 3 * 86_400_000 + 4 * 3600_000, now)).toBe('in 3d 4h');
    expect(countdownText(now + 45_000, now)).toBe('in 45s');
    expect(countdownText(now + 5 * 60_000 + 30_000, now)).toBe('in 5m 30s');
  });

  it('says now once the moment has passed, and unknown without one', () => {
    expect(countdownText(now - 1, now)).toBe('now');
    expect(countdownText(now, now)).toBe('now');
    expect(countdownText(null, now)).toBe('unknown');
  });

  it('formats round durations without a zero second unit', () => {
    expect(formatDuration(3600_000)).toBe('1h');
    expect(formatDuration(86_400_000)).toBe('1d');
    expect(formatDuration(-5)).toBe('0s');
  });
});

describe('usage bar', () => {
  it('bands usage so a full window stands out from a nearly full one', () => {
    expect(usageLevel(0)).toBe('ok');
    expect(usageLevel(69.9)).toBe('ok');
    expect(usageLevel(70)).toBe('warn');
    expect(usageLevel(95)).toBe('critical');
    expect(usageLevel(100)).toBe('full');
    expect(usageLevel(140)).toBe('full');
  });

  it('clamps odd values into 0–100', () => {
    expect(clampPercent(-3)).toBe(0);
    expect(clampPercent(250)).toBe(100);
    expect(clampPercent(undefined)).toBe(0);
    expect(clampPercent(Number.NaN)).toBe(0);
  });

  async function render(window: UsageWindow | undefined) {
    const fixture = TestBed.createComponent(UsageBar);
    fixture.componentRef.setInput('label', '5h');
    fixture.componentRef.setInput('window', window);
    await fixture.whenStable();
    return fixture.nativeElement as HTMLElement;
  }

  it('shows the used percentage, a matching fill and the reset countdown', async () => {
    const element = await render({ usedPercent: 92.4, resetAt: Date.now() + 90 * 60_000, windowSeconds: 18_000 });
    const bar = element.querySelector('[data-testid="usage-bar"]')!;
    expect(bar.getAttribute('data-used')).toBe('92');
    expect(element.querySelector('.value')!.textContent).toContain('92%');
    const fill = element.querySelector<HTMLElement>('.fill')!;
    expect(fill.classList).toContain('critical');
    expect(fill.style.width).toBe('92%');
    expect(element.querySelector('.reset')!.textContent).toMatch(/resets\s+in 1h 29m|resets\s+in 1h 30m/);
  });

  it('says so when no usage is known yet', async () => {
    const element = await render(undefined);
    expect(element.querySelector('.reset')!.textContent).toContain('no data yet');
    expect(element.querySelector('[data-testid="usage-bar"]')!.getAttribute('data-used')).toBeNull();
  });
});
