/**
 * How far this replica has read each other replica's appends (by seq). One replica's writes to a
 * table run one after another, so its seqs commit in order and "seq > last seen" misses nothing of
 * it; a single global position would skip rows another replica committed late with a smaller seq.
 */
export class OriginCursor {
  private readonly last = new Map<string, number>();
  /** Where an origin not seen yet starts: rows at or below it were read (or passed over) at boot. */
  floor = 0;

  see(origin: string, seq: number): void {
    if (seq > (this.last.get(origin) ?? 0)) this.last.set(origin, seq);
  }

  after(origin: string): number {
    return Math.max(this.floor, this.last.get(origin) ?? 0);
  }
}
