export interface EventuallyOptions {
  /** How long to keep trying (default 10 s): effects that cross a socket, a replica or a timer. */
  timeoutMs?: number;
  intervalMs?: number;
  /** Named in the timeout error when the check never threw anything more telling. */
  what?: string;
}

/**
 * The one polling helper of the test suites. Calls `check` until it returns something other than `undefined` or
 * `false`, and resolves with that value. A check that throws (an `expect`) counts as "not yet"; at the deadline the
 * last error is rethrown, so the failure reads like the assertion. Assertion-style checks end with `return true`.
 */
export async function eventually<T>(
  check: () => T | Promise<T>,
  options: EventuallyOptions | number = {},
): Promise<Exclude<T, undefined | false>> {
  const { timeoutMs = 10_000, intervalMs = 20, what } = typeof options === 'number' ? { timeoutMs: options } : options;
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value !== undefined && value !== false) return value as Exclude<T, undefined | false>;
      lastError = undefined;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() > deadline) {
      throw lastError ?? new Error(`condition not met in ${timeoutMs} ms${what ? `: ${what}` : ''}`);
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
