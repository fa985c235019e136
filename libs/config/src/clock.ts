/** Time behind an injectable, so specs can move it (see FakeClock in @mcp/testing). */
export abstract class Clock {
  abstract now(): number;
}

export class SystemClock extends Clock {
  now(): number {
    return Date.now();
  }
}
