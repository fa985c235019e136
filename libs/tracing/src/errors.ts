import type { ErrorRule } from '@mcp/errors';

// Domain errors of tracing: plain classes; TRACING_ERRORS maps them for the global filter.

export class TraceNotFoundError extends Error {
  constructor(id: string, cap: number) {
    super(`Trace ${id.slice(0, 80)} not found (only the latest ${cap} are kept)`);
    this.name = 'TraceNotFoundError';
  }
}

export const TRACING_ERRORS: readonly ErrorRule[] = [[TraceNotFoundError, 404]];
