import { DestroyRef, Injectable, inject, signal } from '@angular/core';

/** One shared one-second tick for every countdown on screen. */
@Injectable({ providedIn: 'root' })
export class Clock {
  private readonly tick = signal(Date.now());
  readonly now = this.tick.asReadonly();

  constructor() {
    const timer = setInterval(() => this.tick.set(Date.now()), 1000);
    inject(DestroyRef).onDestroy(() => clearInterval(timer));
  }
}
