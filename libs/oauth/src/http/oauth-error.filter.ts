import { ArgumentsHost, Catch, ExceptionFilter, HttpStatus } from '@nestjs/common';
import type { Response } from 'express';
import { AccountNotFoundError } from '@mcp/accounts';
import { FlowClosedError, FlowExpiredError, FlowNotFoundError, OAuthInputError, OAuthUpstreamError } from '../errors';

const STATUS: [new (...args: never[]) => Error, HttpStatus, string][] = [
  [OAuthInputError, HttpStatus.BAD_REQUEST, 'Bad Request'],
  [FlowNotFoundError, HttpStatus.NOT_FOUND, 'Not Found'],
  [AccountNotFoundError, HttpStatus.NOT_FOUND, 'Not Found'],
  [FlowClosedError, HttpStatus.CONFLICT, 'Conflict'],
  [FlowExpiredError, HttpStatus.GONE, 'Gone'],
  [OAuthUpstreamError, HttpStatus.BAD_GATEWAY, 'Bad Gateway'],
];

/** Maps the OAuth domain errors to the admin API's Nest-shaped errors (PROTOCOL §8.1, §11.3). */
@Catch(OAuthInputError, FlowNotFoundError, AccountNotFoundError, FlowClosedError, FlowExpiredError, OAuthUpstreamError)
export class OAuthErrorFilter implements ExceptionFilter {
  catch(error: Error, host: ArgumentsHost): void {
    const [, status, label] = STATUS.find(([type]) => error instanceof type) ?? [
      Error,
      HttpStatus.INTERNAL_SERVER_ERROR,
      'Error',
    ];
    host
      .switchToHttp()
      .getResponse<Response>()
      .status(status)
      .json({ statusCode: status, message: error.message, error: label });
  }
}
