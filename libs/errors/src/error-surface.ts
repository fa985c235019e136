import { STATUS_CODES, type IncomingMessage, type ServerResponse } from 'node:http';
import type { HttpProblem } from './error-table';

/**
 * A client-facing surface with its own error envelope (OpenAI on /v1, Anthropic on /v1/messages, …). A feature
 * plugs one in by listing an `ErrorSurface` subclass among its providers; the global filter finds it by class.
 */
export abstract class ErrorSurface {
  /** When several surfaces match a path, the highest priority renders (a /v1/messages surface above /v1's). */
  readonly priority: number = 0;

  /** `path` is the request path without the query string, e.g. `/v1/chat/completions`. */
  abstract matches(path: string): boolean;

  /** Writes the answer; the filter has already checked that headers were not sent. */
  abstract render(problem: HttpProblem, req: IncomingMessage, res: ServerResponse): void;
}

/** Nest's own shape, for /admin and everything no other surface claims (PROTOCOL §11). */
export class NestErrorSurface extends ErrorSurface {
  matches(): boolean {
    return true;
  }

  render(problem: HttpProblem, _req: IncomingMessage, res: ServerResponse): void {
    for (const [name, value] of Object.entries(problem.headers ?? {})) res.setHeader(name, value);
    // Node's API (as Express's res.json writes it): the /v1 fast lane's responses have no Express prototype.
    const payload = Buffer.from(JSON.stringify(nestBody(problem)), 'utf8');
    res.statusCode = problem.status;
    res.setHeader('content-type', 'application/json; charset=utf-8');
    res.setHeader('content-length', payload.length);
    res.end(payload);
  }
}

export function nestBody(problem: HttpProblem): object {
  if (problem.origin === 'unexpected') return { statusCode: 500, message: 'Internal server error' };
  if (problem.origin === 'http') {
    const body = problem.body;
    return typeof body === 'object' && body !== null ? body : { statusCode: problem.status, message: body };
  }
  return { statusCode: problem.status, message: problem.message, error: STATUS_CODES[problem.status] ?? 'Error' };
}
