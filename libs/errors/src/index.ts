// The only door of @mcp/errors: domain-error tables, client surfaces and the one global filter.
export { ErrorRegistry, ErrorTable, errorTable } from './error-table';
export type { ErrorClass, ErrorRule, HttpProblem, ProblemFields } from './error-table';
export { ErrorSurface, NestErrorSurface, nestBody } from './error-surface';
export { GlobalExceptionFilter } from './global-exception.filter';
export { ErrorsModule } from './errors.module';
export { globalErrorProviders } from './global-providers';
