import { HttpException, type Provider } from '@nestjs/common';

/** One error, normalised: what every surface needs to render it in its own envelope. */
export interface HttpProblem {
  status: number;
  message: string;
  /** Machine-readable code for envelopes that carry one (OpenAI's `code`). */
  code?: string | null;
  /** The OpenAI `type` when the error knows it better than its status does (e.g. `requests` for a key's RPM). */
  type?: string;
  param?: string | null;
  /** Response headers the answer needs (Retry-After, Allow, WWW-Authenticate). */
  headers?: Record<string, string>;
  /** Further envelope fields (e.g. `resets_at`). */
  extra?: Record<string, unknown>;
  /** A mapped domain error, a Nest HttpException (guards, pipes, unknown routes), or a bug (500, logged). */
  origin: 'domain' | 'http' | 'unexpected';
  /** An HttpException's own response body: the Nest surface renders it as is (validation messages stay arrays). */
  body?: unknown;
}

export type ProblemFields = Omit<HttpProblem, 'origin' | 'body'>;

export type ErrorClass = abstract new (...args: never[]) => Error;

/**
 * `[ErrorClass, status, code?]`, or `[ErrorClass, (error) => fields]` when the answer needs more than a status
 * (headers, a param, extra fields). The message is always the error's own.
 */
export type ErrorRule =
  | readonly [ErrorClass, number, string?]
  | readonly [ErrorClass, (error: never) => Omit<ProblemFields, 'message'> & { message?: string }];

/** A feature's contribution to the global mapping; provide it with `errorTable(name, rules)`. */
export class ErrorTable {
  constructor(
    readonly name: string,
    readonly rules: readonly ErrorRule[],
  ) {}
}

/** The provider a feature module lists so the global filter finds its table (by class, through discovery). */
export function errorTable(name: string, rules: readonly ErrorRule[]): Provider {
  return { provide: Symbol(`${name} error table`), useValue: new ErrorTable(name, rules) };
}

/** Every rule of every table, looked up by the error's class chain (so the most specific class wins). */
export class ErrorRegistry {
  private readonly rules = new Map<unknown, { table: string; rule: ErrorRule }>();

  constructor(tables: readonly ErrorTable[]) {
    for (const table of tables) {
      for (const rule of table.rules) {
        const owner = this.rules.get(rule[0]);
        // One owner per rule: two features mapping one class would make the answer depend on module order.
        if (owner)
          throw new Error(`${rule[0].name} is mapped by both the ${owner.table} and ${table.name} error tables`);
        this.rules.set(rule[0], { table: table.name, rule });
      }
    }
  }

  problemOf(error: unknown): HttpProblem {
    if (error instanceof Error) {
      const rule = this.ruleFor(error);
      if (rule) return fromRule(rule, error);
    }
    if (error instanceof HttpException) return fromHttpException(error);
    if (isHttpError(error)) {
      // body-parser's errors (http-errors): Nest's default filter answers them with their status; so do we.
      const body = { statusCode: error.statusCode, message: error.message };
      return { origin: 'http', status: error.statusCode, message: error.message, body };
    }
    return { origin: 'unexpected', status: 500, message: 'Internal server error' };
  }

  private ruleFor(error: Error): ErrorRule | undefined {
    for (let proto: unknown = Object.getPrototypeOf(error); proto; proto = Object.getPrototypeOf(proto)) {
      const entry = this.rules.get((proto as { constructor: unknown }).constructor);
      if (entry) return entry.rule;
    }
    return undefined;
  }
}

function fromRule(rule: ErrorRule, error: Error): HttpProblem {
  const [, second, code] = rule;
  if (typeof second === 'number') return { origin: 'domain', status: second, message: error.message, code };
  const fields = (second as (e: Error) => Omit<ProblemFields, 'message'> & { message?: string })(error);
  return { origin: 'domain', ...fields, message: fields.message ?? error.message };
}

function fromHttpException(error: HttpException): HttpProblem {
  const body = error.getResponse();
  return { origin: 'http', status: error.getStatus(), message: httpExceptionMessage(error, body), body };
}

function isHttpError(error: unknown): error is { statusCode: number; message: string } {
  const candidate = error as { statusCode?: unknown; message?: unknown } | null;
  return typeof candidate?.statusCode === 'number' && typeof candidate.message === 'string' && candidate.message !== '';
}

function httpExceptionMessage(error: HttpException, body: unknown): string {
  if (typeof body === 'string') return body;
  const message = (body as { message?: unknown }).message;
  if (Array.isArray(message)) return message.join('; ');
  return typeof message === 'string' ? message : error.message;
}
