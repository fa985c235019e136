import { ArgumentsHost, Catch, ExceptionFilter, HttpStatus } from '@nestjs/common';
import type { Response } from 'express';
import { AccountNotFoundError, NeedsReauthError, TokenRefreshError, UpstreamCallError } from '../errors';

/** Maps the accounts domain errors to the admin API's Nest-shaped errors (PROTOCOL §11.2). */
@Catch(AccountNotFoundError, NeedsReauthError, TokenRefreshError, UpstreamCallError)
export class AccountsErrorFilter implements ExceptionFilter {
  catch(error: Error, host: ArgumentsHost): void {
    const response = host.switchToHttp().getResponse<Response>();
    const notFound = error instanceof AccountNotFoundError;
    const status = notFound ? HttpStatus.NOT_FOUND : HttpStatus.BAD_GATEWAY;
    response
      .status(status)
      .json({ statusCode: status, message: error.message, error: notFound ? 'Not Found' : 'Bad Gateway' });
  }
}
