/**
 * Serialises saves of one in-memory state: at most one write in flight and one queued behind it.
 * `saveNow()` resolves once a write that started after the call is durable; `saveSoon()` coalesces
 * cheap changes (usage, timestamps) into one write within `coalesceMs`.
 */
export class SaveScheduler {
  private inFlight: Promise<void> | undefined;
  private queued: Promise<void> | undefined;
  private timer: NodeJS.Timeout | undefined;
  private dirty = false;

  constructor(
    private readonly write: () => Promise<void>,
    private readonly coalesceMs: number,
    private readonly onBackgroundError: (error: unknown) => void,
  ) {}

  saveSoon(): void {
    this.dirty = true;
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.saveNow().catch(this.onBackgroundError);
    }, this.coalesceMs);
    this.timer.unref();
  }

  saveNow(): Promise<void> {
    this.dirty = true;
    this.cancelTimer();
    if (this.queued) return this.queued;
    if (!this.inFlight) return this.start();
    const queued = this.inFlight
      .catch(() => undefined)
      .then(() => {
        this.queued = undefined;
        return this.start();
      });
    this.queued = queued;
    return queued;
  }

  /** Writes pending changes, if any, and waits for every write already started. */
  async flush(): Promise<void> {
    if (this.dirty) {
      await this.saveNow();
      return;
    }
    await (this.queued ?? this.inFlight);
  }

  private start(): Promise<void> {
    this.dirty = false;
    const running: Promise<void> = this.write()
      .catch((error: unknown) => {
        this.dirty = true; // keep the changes pending so the next save or the shutdown flush retries them
        throw error;
      })
      .finally(() => {
        if (this.inFlight === running) this.inFlight = undefined;
      });
    this.inFlight = running;
    return running;
  }

  private cancelTimer(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }
}
