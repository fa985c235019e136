import type { Provider } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { GlobalExceptionFilter } from './global-exception.filter';

/** The APP_FILTER registration, for spec harnesses that build a small app (the real app spells it out). */
export const globalErrorProviders: Provider[] = [{ provide: APP_FILTER, useClass: GlobalExceptionFilter }];
